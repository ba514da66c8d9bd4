import LoyaltyStore

/// The heat map of the cohort report: a row per cohort (its month and size on the left), a column per month
/// since the first purchase, and in each cell the retention, written out and shaded.
///
/// The shade is relative to the highest retention after month 0, so that the usual 5–40 % do not all look
/// pale beside the 100 % of month 0 (which gets the darkest shade); the legend gives the scale.
enum CohortHeatMap {
    private static let cellWidth = 52
    private static let cellHeight = 24
    private static let left = 136
    private static let top = 72

    static func svg(_ report: CohortReport) -> String {
        let months = report.rows.map(\.active.count).max() ?? 0
        let maximum = darkest(report)
        var content = legend(maximum: maximum)
        content.append(SVGChart.text("months since first purchase", x: left, y: top - 26, cssClass: "strong"))
        content.append(SVGChart.text("cohort", x: 4, y: top - 8, cssClass: "strong"))
        content.append(SVGChart.text("customers", x: left - 8, y: top - 8, anchor: .end, cssClass: "strong"))
        for month in 0..<months {
            content.append(SVGChart.text(String(month), x: left + month * cellWidth + cellWidth / 2, y: top - 8, anchor: .middle))
        }
        for (index, row) in report.rows.enumerated() {
            content += cells(row, y: top + index * cellHeight, maximum: maximum)
        }
        if report.rows.isEmpty { content.append(SVGChart.text("no customers yet", x: 4, y: top + 16)) }
        return SVGChart.frame(
            id: "cohort-heat-map", width: max(left + months * cellWidth + 8, 560), height: top + max(report.rows.count, 1) * cellHeight + 8,
            title: "Cohort retention heat map",
            description: "Rows: cohorts by month of first purchase, with their size. Columns: months since the first purchase. "
                + "Each cell: the share of the cohort that bought in that month.",
            content: content)
    }

    /// One cohort's label, size and cells (`class="cell"`).
    private static func cells(_ row: CohortRow, y: Int, maximum: Int64) -> [String] {
        var parts = [
            SVGChart.text(row.cohort, x: 4, y: y + 16),
            SVGChart.text(String(row.customers), x: left - 8, y: y + 16, anchor: .end),
        ]
        for (month, active) in row.active.enumerated() {
            let retention = Ratio.permille(active, of: row.customers)
            let intensity = ColourScale.intensity(retention ?? 0, maximum: maximum)
            let label = retention.map { Ratio.tenths($0) + "%" } ?? Ratio.missing
            let x = left + month * cellWidth
            parts.append(
                SVGChart.rect(
                    x: x, y: y, width: cellWidth - 2, height: cellHeight - 2, fill: ColourScale.shade(permille: intensity),
                    tooltip: "\(row.cohort), month \(month): \(active) of \(row.customers) customers (\(label))", cssClass: "cell"))
            parts.append(
                SVGChart.text(
                    label, x: x + cellWidth / 2 - 1, y: y + 15, anchor: .middle, fill: ColourScale.text(onPermille: intensity),
                    cssClass: "small"))
        }
        return parts
    }

    /// The retention (permille) that gets the darkest shade: the highest after month 0, or 100 % without any.
    static func darkest(_ report: CohortReport) -> Int64 {
        let later = report.rows.flatMap { row in row.active.dropFirst().compactMap { Ratio.permille($0, of: row.customers) } }
        guard let highest = later.max(), highest > 0 else { return 1000 }
        return highest
    }

    /// Five swatches from no retention to ``darkest(_:)``.
    private static func legend(maximum: Int64) -> [String] {
        let items = (0...4).map { step in
            let value = Ratio.scaledQuotient(maximum, times: Int64(step), over: 4) ?? 0
            return (label: Ratio.tenths(value) + "%", fill: ColourScale.shade(permille: Int64(step) * 250))
        }
        return [SVGChart.text("retention", x: 4, y: 18, cssClass: "strong")] + SVGChart.legend(items, x: 76, y: 8, itemWidth: 72)
    }
}

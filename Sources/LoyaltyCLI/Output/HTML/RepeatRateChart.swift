import LoyaltyStore

/// The bar chart of the repeat report: one bar per month of first purchase, as high as the repeat rate of
/// that month's new customers, with the rate written above it, and a dashed line at the overall rate.
enum RepeatRateChart {
    private static let slot = 52
    private static let left = 56
    private static let top = 44
    private static let plotHeight = 200

    static func svg(_ report: RepeatPurchaseReport) -> String {
        let months = report.byFirstMonth
        let bottom = top + plotHeight
        let right = left + max(months.count, 1) * slot
        let overall = Ratio.permille(report.overall.repeatCustomers, of: report.overall.customers)
        let rates = months.map { Ratio.permille($0.repeatCustomers, of: $0.customers) }
        // The axis ends at the next whole 10 % above the highest rate (10 % at least, 100 % at most).
        let highest = (rates + [overall]).compactMap { $0 }.max() ?? 0
        let maximum = min(max((highest + 99) / 100 * 100, 100), 1000)
        let overallLabel = "overall: " + (overall.map { Ratio.tenths($0) + "%" } ?? Ratio.missing)
        var content = SVGChart.legend(
            [("repeat rate of the month's new customers", ColourScale.bar), (overallLabel, ColourScale.reference)], x: left, y: 8,
            itemWidth: 280)
        content += SVGChart.valueAxis(maximum: maximum, steps: Int(maximum / 100), left: left, right: right, top: top, bottom: bottom) {
            "\($0 / 10)%"
        }
        for (index, month) in months.enumerated() {
            content += bar(month, rate: rates[index], x: left + index * slot, bottom: bottom, maximum: maximum)
        }
        if let overall {
            let y = bottom - SVGChart.scaled(overall, maximum: maximum, height: plotHeight)
            content.append(SVGChart.line(x1: left, y1: y, x2: right, y2: y, stroke: ColourScale.reference, width: 2, dashed: true))
        }
        if months.isEmpty {
            content.append(SVGChart.text("no customers yet", x: left + 8, y: bottom - 8))
        }
        content.append(SVGChart.text("month of first purchase", x: (left + right) / 2, y: bottom + 34, anchor: .middle))
        return SVGChart.frame(
            id: "repeat-rate", width: max(right + 16, 600), height: bottom + 44, title: "Repeat rate by month of first purchase",
            description: description(report), content: content)
    }

    /// The bar of one month, its rate above it and the month below.
    private static func bar(_ month: RepeatPurchaseGroup, rate: Int64?, x: Int, bottom: Int, maximum: Int64) -> [String] {
        let center = x + slot / 2
        var parts = [SVGChart.text(month.group, x: center, y: bottom + 15, anchor: .middle, cssClass: "small")]
        guard let rate else {
            parts.append(SVGChart.text(Ratio.missing, x: center, y: bottom - 5, anchor: .middle, cssClass: "small"))
            return parts
        }
        let height = SVGChart.scaled(rate, maximum: maximum, height: plotHeight)
        let tooltip = "\(month.group): \(month.repeatCustomers) of \(month.customers) customers bought again (\(Ratio.tenths(rate))%)"
        parts.append(
            SVGChart.rect(
                x: x + 8, y: bottom - height, width: slot - 16, height: height, fill: ColourScale.bar, tooltip: tooltip, cssClass: "bar"))
        parts.append(SVGChart.text("\(Ratio.tenths(rate))%", x: center, y: bottom - height - 5, anchor: .middle, cssClass: "small"))
        return parts
    }

    private static func description(_ report: RepeatPurchaseReport) -> String {
        let months = report.byFirstMonth.map { "\($0.group): \(Ratio.percent($0.repeatCustomers, of: $0.customers) ?? Ratio.missing)" }
        let overall = Ratio.percent(report.overall.repeatCustomers, of: report.overall.customers) ?? Ratio.missing
        return "Overall \(overall). " + months.joined(separator: "; ")
    }
}

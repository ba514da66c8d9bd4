import LoyaltyStore

/// The 5 × 5 grid of the RFM report: recency score 1…5 from left to right, frequency score 1…5 from bottom
/// to top, and in each cell the members (shaded by their number, the fullest cell darkest) and their share.
enum RFMGrid {
    private static let cellWidth = 96
    private static let cellHeight = 56
    private static let left = 72
    private static let top = 44

    static func svg(_ report: RFMReport) -> String {
        let maximum = report.cells.map(\.members).max() ?? 0
        let bottom = top + 5 * cellHeight
        let right = left + 5 * cellWidth
        var content = legend(maximum: maximum)
        for frequency in 1...5 {
            for recency in 1...5 {
                content += square(report, recency: recency, frequency: frequency, maximum: maximum)
            }
            let y = top + (5 - frequency) * cellHeight + cellHeight / 2 + 4
            content.append(SVGChart.text(String(frequency), x: left - 10, y: y, anchor: .end, cssClass: "strong"))
        }
        for recency in 1...5 {
            let x = left + (recency - 1) * cellWidth + cellWidth / 2
            content.append(SVGChart.text(String(recency), x: x, y: bottom + 16, anchor: .middle, cssClass: "strong"))
        }
        content.append(SVGChart.text("recency (5 = bought most recently) →", x: (left + right) / 2, y: bottom + 36, anchor: .middle))
        content.append(
            SVGChart.text("frequency (5 = most purchase days) →", x: 22, y: (top + bottom) / 2, anchor: .middle, rotated: true))
        return SVGChart.frame(
            id: "rfm-grid", width: right + 16, height: bottom + 48, title: "Members by recency and frequency score",
            description: "A 5 by 5 grid: recency score from 1 (left) to 5 (right), frequency score from 1 (bottom) to 5 (top); "
                + "each cell gives the number of members with both scores.",
            content: content)
    }

    /// The cell of one pair of scores, if it holds members.
    static func cell(_ report: RFMReport, recency: Int, frequency: Int) -> RFMCell? {
        report.cells.first { $0.recency == recency && $0.frequency == frequency }
    }

    /// One cell (`class="cell"`): shade, members and share.
    private static func square(_ report: RFMReport, recency: Int, frequency: Int, maximum: Int64) -> [String] {
        let found = cell(report, recency: recency, frequency: frequency)
        let members = found?.members ?? 0
        let intensity = ColourScale.intensity(members, maximum: maximum)
        let share = Ratio.percent(members, of: report.population) ?? Ratio.missing
        let spend = GiftCardArguments.money(found?.spend ?? 0, report.currency)
        let x = left + (recency - 1) * cellWidth
        let y = top + (5 - frequency) * cellHeight
        let ink = ColourScale.text(onPermille: intensity)
        return [
            SVGChart.rect(
                x: x, y: y, width: cellWidth - 2, height: cellHeight - 2, fill: ColourScale.shade(permille: intensity),
                tooltip: "R\(recency) F\(frequency): \(members) members (\(share)), spend \(spend) \(report.currency)", cssClass: "cell"),
            SVGChart.text(String(members), x: x + cellWidth / 2 - 1, y: y + 24, anchor: .middle, fill: ink, cssClass: "strong"),
            SVGChart.text(share, x: x + cellWidth / 2 - 1, y: y + 41, anchor: .middle, fill: ink, cssClass: "small"),
        ]
    }

    /// Three swatches: no members, half the fullest cell, the fullest cell.
    private static func legend(maximum: Int64) -> [String] {
        let items = [(0, Int64(0)), (500, maximum / 2), (1000, maximum)].map { permille, members in
            (label: "\(members) members", fill: ColourScale.shade(permille: Int64(permille)))
        }
        return SVGChart.legend(items, x: left, y: 10, itemWidth: 130)
    }
}

import LoyaltyStore

/// The chart of the lapsed report, "lapsed members over time": a stacked bar per month end and one for today,
/// active at the bottom, at risk in the middle and lapsed on top, with the number of customers above.
enum LapseChart {
    private static let slot = 52
    private static let left = 64
    private static let top = 44
    private static let plotHeight = 220

    static func svg(_ report: LapseReport) -> String {
        let bars = report.history.map { (label: String($0.day.prefix(7)), counts: $0) } + [(label: "today", counts: report.today)]
        let bottom = top + plotHeight
        let right = left + bars.count * slot
        let (maximum, steps) = SVGChart.countAxis(upTo: bars.map { total($0.counts) }.max() ?? 0)
        var content = SVGChart.legend(
            [("active", ColourScale.active), ("at risk", ColourScale.atRisk), ("lapsed", ColourScale.lapsed)], x: left, y: 8,
            itemWidth: 100)
        content += SVGChart.valueAxis(
            maximum: maximum, steps: steps, left: left, right: right, top: top, bottom: bottom) { String($0) }
        for (index, bar) in bars.enumerated() {
            content += stack(bar.counts, label: bar.label, x: left + index * slot, bottom: bottom, maximum: maximum)
        }
        if !report.history.isEmpty {
            let x = right - slot
            content.append(SVGChart.line(x1: x, y1: top, x2: x, y2: bottom + 20, stroke: ColourScale.axis, dashed: true))
        }
        content.append(SVGChart.text("month end", x: (left + right - slot) / 2, y: bottom + 34, anchor: .middle))
        content.append(SVGChart.text("customers", x: 14, y: (top + bottom) / 2, anchor: .middle, rotated: true))
        return SVGChart.frame(
            id: "lapse-history", width: max(right + 16, 420), height: bottom + 44, title: "Lapsed members over time",
            description: description(bars.map { ($0.label, $0.counts) }), content: content)
    }

    /// The customers counted in a bar (the sum of the three statuses).
    private static func total(_ counts: LapseCounts) -> Int64 {
        counts.active + counts.atRisk + counts.lapsed
    }

    /// One stacked bar (each part `class="bar"`), its total above and its label below.
    private static func stack(_ counts: LapseCounts, label: String, x: Int, bottom: Int, maximum: Int64) -> [String] {
        let parts: [(name: String, value: Int64, fill: String)] = [
            ("active", counts.active, ColourScale.active), ("at risk", counts.atRisk, ColourScale.atRisk),
            ("lapsed", counts.lapsed, ColourScale.lapsed),
        ]
        var shapes: [String] = []
        var below: Int64 = 0
        for part in parts where part.value > 0 {
            // Heights from the running totals, so that rounding leaves neither gaps nor overlaps.
            let lower = bottom - SVGChart.scaled(below, maximum: maximum, height: plotHeight)
            below += part.value
            let upper = bottom - SVGChart.scaled(below, maximum: maximum, height: plotHeight)
            let share = Ratio.percent(part.value, of: counts.customers) ?? Ratio.missing
            shapes.append(
                SVGChart.rect(
                    x: x + 8, y: upper, width: slot - 16, height: lower - upper, fill: part.fill,
                    tooltip: "\(counts.day): \(part.value) \(part.name) of \(counts.customers) customers (\(share))", cssClass: "bar"))
        }
        let topY = bottom - SVGChart.scaled(below, maximum: maximum, height: plotHeight)
        let center = x + slot / 2
        shapes.append(SVGChart.text(String(counts.customers), x: center, y: topY - 5, anchor: .middle, cssClass: "small"))
        shapes.append(SVGChart.text(label, x: center, y: bottom + 15, anchor: .middle, cssClass: label == "today" ? "strong" : "small"))
        return shapes
    }

    private static func description(_ bars: [(String, LapseCounts)]) -> String {
        bars.map { label, counts in "\(label): \(counts.active) active, \(counts.atRisk) at risk, \(counts.lapsed) lapsed" }
            .joined(separator: "; ")
    }
}

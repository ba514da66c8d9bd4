import LoyaltyStore

/// How `loyalty report repeat` prints: the repeat rate, purchase days per customer and average days to a
/// second purchase, overall and by month of first purchase, store of first purchase and acquisition source.
/// Rates and averages are worked out here from the report's counts, in integers (``Ratio``).
enum RepeatReportView {
    static let title = "Repeat purchases"

    /// The report in `format`: sections of text, one CSV table, the record as JSON, or an HTML page.
    static func render(_ report: RepeatPurchaseReport, format: OutputFormat) throws -> String {
        switch format {
        case .table: text(report)
        case .csv: csv(report)
        case .json: try Output.json(report)
        case .html: html(report)
        }
    }

    static func text(_ report: RepeatPurchaseReport) -> String {
        ReportSection.text(heading: "\(title) as of \(report.asOf)", notes: notes, sections: sections(report))
    }

    /// One table: a `section` column (`overall`, `first month`, `store`, `source`), then the group and its
    /// figures; a rate or average without a value is empty.
    static func csv(_ report: RepeatPurchaseReport) -> String {
        let rows = groupings(report).flatMap { grouping in
            grouping.groups.map { [grouping.key, $0.group] + figures($0, missing: "") }
        }
        return CSV.document(columns: ["section", "group"] + figureColumns, rows: rows)
    }

    static func html(_ report: RepeatPurchaseReport) -> String {
        var page = HTMLDocument(title: title, subtitle: "As of \(report.asOf)")
        for note in notes { page.paragraph(note, note: true) }
        page.heading("Repeat rate by month of first purchase")
        page.figure(
            svg: RepeatRateChart.svg(report),
            caption: "The share of each month's new customers who have bought on a second day since; the dashed line is the overall rate.")
        for section in sections(report) { section.add(to: &page) }
        return page.render()
    }

    static let notes = [
        "A customer has bought on at least one day, a repeat customer on two or more.",
        "Repeat rate: repeat customers ÷ customers. Purchase days per customer: all their purchase days ÷ customers. "
            + "Avg days to 2nd purchase: from the first purchase day to the second, over the repeat customers.",
    ]

    static let figureColumns = ["customers", "repeat customers", "repeat rate", "purchase days per customer", "avg days to 2nd purchase"]

    /// The figures of one group; `missing` stands for a rate or average of no customers.
    static func figures(_ group: RepeatPurchaseGroup, missing: String = Ratio.missing) -> [String] {
        [
            String(group.customers), String(group.repeatCustomers),
            Ratio.percent(group.repeatCustomers, of: group.customers) ?? missing,
            Ratio.average(group.purchaseDays, over: group.customers) ?? missing,
            Ratio.average(group.daysToSecondPurchase, over: group.repeatCustomers) ?? missing,
        ]
    }

    static func sections(_ report: RepeatPurchaseReport) -> [ReportSection] {
        groupings(report).map { grouping in
            ReportSection(
                title: grouping.title, columns: [grouping.label] + figureColumns, rows: grouping.groups.map { [$0.group] + figures($0) })
        }
    }

    /// One grouping: its CSV section name, its title, the name of its group column, and its groups.
    private typealias Grouping = (key: String, title: String, label: String, groups: [RepeatPurchaseGroup])

    /// The four groupings, overall first.
    private static func groupings(_ report: RepeatPurchaseReport) -> [Grouping] {
        [
            ("overall", "Overall", "group", [report.overall]),
            ("first month", "By month of first purchase", "month", report.byFirstMonth),
            ("store", "By store of first purchase", "store", report.byStore),
            ("source", "By acquisition source", "source", report.bySource),
        ]
    }
}

import LoyaltyStore

/// How `loyalty report lapsed` prints: the customers active, at risk and lapsed today and at the end of each
/// past month, with the shares at risk and lapsed.
enum LapseReportView {
    static let title = "Lapsed members"

    /// The report in `format`: two tables, one CSV table, the record as JSON, or an HTML page with a chart.
    static func render(_ report: LapseReport, format: OutputFormat) throws -> String {
        switch format {
        case .table: text(report)
        case .csv: csv(report)
        case .json: try Output.json(report)
        case .html: html(report)
        }
    }

    static func text(_ report: LapseReport) -> String {
        ReportSection.text(heading: "\(title) as of \(report.today.day)", notes: notes(report), sections: sections(report))
    }

    /// One table: a `section` column (`month end` rows, oldest first, then the `today` row), then the day
    /// and its figures; a share of no customers is empty.
    static func csv(_ report: LapseReport) -> String {
        let history = report.history.map { ["month end"] + figures($0, missing: "") }
        return CSV.document(columns: ["section"] + columns, rows: history + [["today"] + figures(report.today, missing: "")])
    }

    static func html(_ report: LapseReport) -> String {
        var page = HTMLDocument(title: title, subtitle: "As of \(report.today.day)")
        for note in notes(report) { page.paragraph(note, note: true) }
        page.heading("Lapsed members over time")
        page.figure(
            svg: LapseChart.svg(report),
            caption: "Customers at the end of each month and today, by status: active at the bottom, at risk in the middle, lapsed on top.")
        for section in sections(report) { section.add(to: &page) }
        return page.render()
    }

    static func notes(_ report: LapseReport) -> [String] {
        [
            "Rule: \(report.rule).",
            "Customers: members with a purchase day on or before the day. The month ends apply each member's current threshold.",
        ]
    }

    static let columns = ["day", "customers", "active", "at risk", "lapsed", "at risk share", "lapsed share"]

    /// The day, the counts, and the shares of the customers at risk and lapsed.
    static func figures(_ counts: LapseCounts, missing: String = Ratio.missing) -> [String] {
        [
            counts.day, String(counts.customers), String(counts.active), String(counts.atRisk), String(counts.lapsed),
            Ratio.percent(counts.atRisk, of: counts.customers) ?? missing, Ratio.percent(counts.lapsed, of: counts.customers) ?? missing,
        ]
    }

    static func sections(_ report: LapseReport) -> [ReportSection] {
        [
            ReportSection(title: "Today", columns: columns, rows: [figures(report.today)]),
            ReportSection(title: "At the end of each month", columns: columns, rows: report.history.map { figures($0) }),
        ]
    }
}

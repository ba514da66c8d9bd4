import LoyaltyStore

/// How `loyalty report cohorts` prints: one row per month of first purchase (the cohort), its size, and the
/// share of it that bought in each month since (`M0` is the first month, always 100 %).
enum CohortReportView {
    static let title = "Cohort retention"

    /// The report in `format`: a retention table, a long CSV, the record as JSON, or an HTML page with a heat map.
    static func render(_ report: CohortReport, format: OutputFormat) throws -> String {
        switch format {
        case .table: text(report)
        case .csv: csv(report)
        case .json: try Output.json(report)
        case .html: html(report)
        }
    }

    static func text(_ report: CohortReport) -> String {
        let section = ReportSection(title: "Retention", columns: columns(report), rows: report.rows.map(retentionRow))
        return ReportSection.text(heading: "\(title) as of \(report.asOf)", notes: notes, sections: [section])
    }

    /// One line per cohort and month since its first (a long table, for pivoting): cohort, customers,
    /// months since first purchase, active customers, retention.
    static func csv(_ report: CohortReport) -> String {
        let rows = report.rows.flatMap { row in
            row.active.enumerated().map { month, active in
                [row.cohort, String(row.customers), String(month), String(active), Ratio.percent(active, of: row.customers) ?? ""]
            }
        }
        return CSV.document(columns: ["cohort", "customers", "months since first purchase", "active customers", "retention"], rows: rows)
    }

    static func html(_ report: CohortReport) -> String {
        var page = HTMLDocument(title: title, subtitle: "As of \(report.asOf)")
        for note in notes { page.paragraph(note, note: true) }
        page.heading("Retention by month since first purchase")
        page.figure(
            svg: CohortHeatMap.svg(report),
            caption: "The darker the cell, the higher the retention; the darkest shade is the highest retention after month 0.")
        let counts = report.rows.map { [$0.cohort, String($0.customers)] + $0.active.map(String.init) }
        ReportSection(title: "Active customers by month since first purchase", columns: columns(report), rows: counts).add(to: &page)
        return page.render()
    }

    static let notes = [
        "A cohort: the customers whose first purchase day fell in the month. Mk: the share of them with a purchase day "
            + "in the k-th month after it (M0 is the month itself)."
    ]

    /// `cohort`, `customers`, then `M0` … up to the longest row.
    static func columns(_ report: CohortReport) -> [String] {
        let months = report.rows.map(\.active.count).max() ?? 0
        return ["cohort", "customers"] + (0..<months).map { "M\($0)" }
    }

    private static func retentionRow(_ row: CohortRow) -> [String] {
        [row.cohort, String(row.customers)] + row.active.map { Ratio.percent($0, of: row.customers) ?? Ratio.missing }
    }
}

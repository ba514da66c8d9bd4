import LoyaltyStore

/// How `loyalty report rfm` prints: the 5 × 5 grid of recency and frequency scores with the members in each
/// cell, and the named segments with their share of the scored members, average spend and average days since
/// the last purchase. Spend is minor units of the report's currency, written in its precision.
enum RFMReportView {
    static let title = "RFM segments"

    /// The report in `format`: two tables, one CSV table, the record as JSON, or an HTML page with the grid.
    static func render(_ report: RFMReport, format: OutputFormat) throws -> String {
        switch format {
        case .table: text(report)
        case .csv: csv(report)
        case .json: try Output.json(report)
        case .html: html(report)
        }
    }

    static func text(_ report: RFMReport) -> String {
        ReportSection.text(heading: "\(title): \(subtitle(report))", notes: notes(report), sections: [grid(report), segments(report)])
    }

    /// One table: a `section` column (`cell` rows have recency and frequency, `segment` rows a segment name
    /// and the average days since the last purchase), then the figures.
    static func csv(_ report: RFMReport) -> String {
        let cells = report.cells.map { cell in
            ["cell", "", String(cell.recency), String(cell.frequency)]
                + figures(report, members: cell.members, spend: cell.spend, missing: "") + [""]
        }
        let segments = report.segments.map { segment in
            ["segment", segment.segment, "", ""] + figures(report, members: segment.members, spend: segment.spend, missing: "")
                + [Ratio.average(segment.daysSinceLastPurchase, over: segment.members) ?? ""]
        }
        return CSV.document(columns: ["section", "segment", "recency", "frequency"] + figureColumns + [daysColumn], rows: cells + segments)
    }

    static func html(_ report: RFMReport) -> String {
        var page = HTMLDocument(title: title, subtitle: subtitle(report))
        for note in notes(report) { page.paragraph(note, note: true) }
        page.heading("Recency × frequency")
        page.figure(
            svg: RFMGrid.svg(report),
            caption: "Members per pair of scores, and their share of the scored members; the darker, the more members.")
        segments(report).add(to: &page)
        return page.render()
    }

    static func subtitle(_ report: RFMReport) -> String {
        report.scoredAt.map { "scored \(Dates.text($0))" } ?? "not scored yet"
    }

    static func notes(_ report: RFMReport) -> [String] {
        [
            "\(report.population) members with scores; spend is net, in \(report.currency).",
            "Scores from 1 to 5: recency 5 bought most recently, frequency 5 on the most purchase days.",
        ]
    }

    static let figureColumns = ["members", "share", "spend", "avg spend"]
    static let daysColumn = "avg days since last purchase"

    /// Members, their share of the population, spend and average spend.
    static func figures(_ report: RFMReport, members: Int64, spend: Int64, missing: String = Ratio.missing) -> [String] {
        [
            String(members), Ratio.percent(members, of: report.population) ?? missing,
            GiftCardArguments.money(spend, report.currency),
            Ratio.scaledQuotient(spend, over: members).map { GiftCardArguments.money($0, report.currency) } ?? missing,
        ]
    }

    /// The grid as text: a row per frequency score (5 at the top), a column per recency score, members in the cells.
    static func grid(_ report: RFMReport) -> ReportSection {
        let rows = (1...5).reversed().map { frequency in
            ["F\(frequency)"]
                + (1...5).map { recency in String(RFMGrid.cell(report, recency: recency, frequency: frequency)?.members ?? 0) }
        }
        return ReportSection(title: "Members by recency (R) and frequency (F)", columns: ["F \\ R"] + (1...5).map { "R\($0)" }, rows: rows)
    }

    static func segments(_ report: RFMReport) -> ReportSection {
        let rows = report.segments.map { segment in
            [segment.segment] + figures(report, members: segment.members, spend: segment.spend)
                + [Ratio.average(segment.daysSinceLastPurchase, over: segment.members) ?? Ratio.missing]
        }
        return ReportSection(title: "Segments", columns: ["segment"] + figureColumns + [daysColumn], rows: rows)
    }
}

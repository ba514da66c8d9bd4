import LoyaltyStore

/// How `loyalty report sources` prints: per acquisition source (then the members without one) the members
/// brought, customers, repeat-purchase rate, revenue, cost, cost per member and return on cost, worked out
/// in integers (``Ratio``).
enum SourceReportView {
    static let title = "Acquisition sources"

    static let columns = [
        "source", "channel", "members", "customers", "repeat customers", "repeat rate", "revenue", "cost", "cost per member",
        "return on cost",
    ]

    static func render(_ report: SourceReport, format: OutputFormat) throws -> String {
        switch format {
        case .table:
            return ReportSection.text(
                heading: title, notes: notes(report),
                sections: [ReportSection(title: "By source", columns: columns, rows: report.sources.map { row($0, report.currency) })])
        case .csv: return CSV.document(columns: columns, rows: report.sources.map { row($0, report.currency, missing: "", unit: "") })
        case .json: return try Output.json(JSONReport(currency: report.currency, sources: report.sources.map { Line($0, report.currency) }))
        case .html:
            var page = HTMLDocument(title: title)
            for note in notes(report) { page.paragraph(note, note: true) }
            page.table(columns: columns, rows: report.sources.map { row($0, report.currency) })
            return page.render()
        }
    }

    static func notes(_ report: SourceReport) -> [String] {
        [
            "Customers have a purchase day; repeat rate: customers with two or more ÷ customers. Revenue: their spend net of returns "
                + "in \(report.currency). Cost per member: cost ÷ members. Return on cost: (revenue − cost) ÷ cost.",
        ]
    }

    /// A source's cells; rates carry `unit` (CSV gives bare numbers, which spreadsheets read as numbers).
    static func row(_ source: SourceReportRow, _ currency: String, missing: String = Ratio.missing, unit: String = "%") -> [String] {
        let line = Line(source, currency)
        return [
            source.source ?? "(none)", source.channel ?? "", String(source.members), String(source.customers), String(source.repeatCustomers),
            line.repeatRatePermille.map { Ratio.tenths($0) + unit } ?? missing, GiftCardArguments.money(source.revenueMinor, currency),
            source.costMinor.map { "\(GiftCardArguments.money($0, source.costCurrency ?? currency)) \(source.costCurrency ?? currency)" } ?? "",
            line.costPerMemberMinor.map { GiftCardArguments.money($0, source.costCurrency ?? currency) } ?? missing,
            line.returnOnCostPermille.map { Ratio.tenths($0) + unit } ?? missing,
        ]
    }

    struct JSONReport: Encodable {
        let currency: String
        let sources: [Line]
    }

    /// A source's figures with its rates.
    struct Line: Encodable {
        let figures: SourceReportRow
        let repeatRatePermille: Int64?
        let costPerMemberMinor: Int64?
        let returnOnCostPermille: Int64?

        init(_ figures: SourceReportRow, _ currency: String) {
            self.figures = figures
            repeatRatePermille = Ratio.permille(figures.repeatCustomers, of: figures.customers)
            costPerMemberMinor = figures.costMinor.flatMap { Ratio.scaledQuotient($0, over: figures.members) }
            returnOnCostPermille = figures.costCurrency == currency
                ? figures.costMinor.flatMap { Ratio.permille(figures.revenueMinor - $0, of: $0) } : nil
        }

        enum CodingKeys: String, CodingKey {
            case repeatRatePermille = "repeat_rate_permille", costPerMemberMinor = "cost_per_member_minor"
            case returnOnCostPermille = "return_on_cost_permille"
        }

        func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(repeatRatePermille, forKey: .repeatRatePermille)
            try container.encodeIfPresent(costPerMemberMinor, forKey: .costPerMemberMinor)
            try container.encodeIfPresent(returnOnCostPermille, forKey: .returnOnCostPermille)
        }
    }
}

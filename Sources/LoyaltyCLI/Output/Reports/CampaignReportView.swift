import LoyaltyStore

/// How `loyalty report campaigns` prints: per campaign and arm the members, purchasers, conversion, revenue
/// and revenue per member; then per campaign the uplift, incremental revenue, cost and return on cost.
enum CampaignReportView {
    static let title = "Campaign attribution"

    static func render(_ report: CampaignReport, format: OutputFormat) throws -> String {
        let outcomes = report.campaigns.map { CampaignOutcome($0, currency: report.currency) }
        switch format {
        case .table: return ReportSection.text(heading: title, notes: notes(report), sections: sections(outcomes, report.currency))
        case .csv: return CSV.document(columns: csvColumns, rows: outcomes.map { csvRow($0, report.currency) })
        case .json: return try Output.json(JSONReport(currency: report.currency, campaigns: outcomes))
        case .html:
            var page = HTMLDocument(title: title)
            for note in notes(report) { page.paragraph(note, note: true) }
            for section in sections(outcomes, report.currency) { section.add(to: &page) }
            return page.render()
        }
    }

    struct JSONReport: Encodable {
        let currency: String
        let campaigns: [CampaignOutcome]
    }

    static func notes(_ report: CampaignReport) -> [String] {
        [
            "Revenue: sales within the window after the contact (holdout: after the send), less their returns, in \(report.currency).",
            "Uplift: contacted conversion − holdout conversion. Incremental revenue: (revenue per contacted member − revenue per "
                + "holdout member) × contacted members. Return on cost: (incremental revenue − cost) ÷ cost.",
        ]
    }

    static func sections(_ outcomes: [CampaignOutcome], _ currency: String) -> [ReportSection] {
        [
            ReportSection(
                title: "By arm", columns: ["campaign", "arm", "members", "purchasers", "conversion", "revenue", "revenue per member"],
                rows: outcomes.flatMap { outcome in
                    [("contacted", outcome.contacted), ("holdout", outcome.holdout)].map { arm, figures in
                        [outcome.code, arm] + armFigures(figures, currency)
                    }
                }),
            ReportSection(
                title: "Uplift", columns: ["campaign", "sent", "window", "uplift", "incremental revenue", "cost", "return on cost"],
                rows: outcomes.map { outcome in
                    [outcome.code, Dates.text(outcome.sentAt), "\(outcome.windowDays)d"] + upliftFigures(outcome, currency)
                }),
        ]
    }

    static let csvColumns = [
        "campaign", "sent", "window_days", "contacted", "contacted_purchasers", "contacted_conversion", "contacted_revenue",
        "contacted_revenue_per_member", "holdout", "holdout_purchasers", "holdout_conversion", "holdout_revenue",
        "holdout_revenue_per_member", "uplift", "incremental_revenue", "cost", "cost_currency", "return_on_cost",
    ]

    static func csvRow(_ outcome: CampaignOutcome, _ currency: String) -> [String] {
        let uplift = upliftFigures(outcome, currency, missing: "", units: false)
        return [outcome.code, Dates.text(outcome.sentAt), String(outcome.windowDays)]
            + armFigures(outcome.contacted, currency, missing: "", units: false)
            + armFigures(outcome.holdout, currency, missing: "", units: false)
            + [uplift[0], uplift[1], GiftCardArguments.money(outcome.costMinor, outcome.costCurrency), outcome.costCurrency, uplift[3]]
    }

    /// An arm's cells; with `units` false (CSV), rates are bare numbers, which spreadsheets read as numbers.
    static func armFigures(_ arm: CampaignOutcome.Arm, _ currency: String, missing: String = Ratio.missing, units: Bool = true) -> [String] {
        [
            String(arm.members), String(arm.purchasers), arm.conversionPermille.map { Ratio.tenths($0) + (units ? "%" : "") } ?? missing,
            GiftCardArguments.money(arm.revenueMinor, currency),
            arm.revenuePerMemberMinor.map { GiftCardArguments.money($0, currency) } ?? missing,
        ]
    }

    /// Uplift, incremental revenue, cost, return on cost.
    static func upliftFigures(_ outcome: CampaignOutcome, _ currency: String, missing: String = Ratio.missing, units: Bool = true)
        -> [String]
    {
        [
            outcome.upliftPermille.map { Ratio.tenths($0) + (units ? " pts" : "") } ?? missing,
            outcome.incrementalRevenueMinor.map { GiftCardArguments.money($0, currency) } ?? missing,
            "\(GiftCardArguments.money(outcome.costMinor, outcome.costCurrency)) \(outcome.costCurrency)",
            outcome.returnOnCostPermille.map { Ratio.tenths($0) + (units ? "%" : "") } ?? missing,
        ]
    }
}

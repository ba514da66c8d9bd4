import Foundation
import LoyaltyStore

/// One sent campaign's attribution with the rates worked out, in integers (``Ratio``): per arm the
/// conversion (permille) and revenue per member, then the uplift, the incremental revenue and the return
/// on cost (docs/campaigns.md, "Attribution"). Nil where a figure has no value (an empty arm, no cost).
struct CampaignOutcome: Encodable {
    struct Arm: Encodable {
        let members: Int64
        let purchasers: Int64
        let revenueMinor: Int64
        /// Purchasers ÷ members, in tenths of a percent.
        let conversionPermille: Int64?
        /// Revenue ÷ members, in minor units, rounded half away from zero.
        let revenuePerMemberMinor: Int64?

        init(_ figures: CampaignArmFigures) {
            members = figures.members
            purchasers = figures.purchasers
            revenueMinor = figures.revenueMinor
            conversionPermille = Ratio.permille(figures.purchasers, of: figures.members)
            revenuePerMemberMinor = Ratio.scaledQuotient(figures.revenueMinor, over: figures.members)
        }

        enum CodingKeys: String, CodingKey {
            case members, purchasers, revenueMinor = "revenue_minor", conversionPermille = "conversion_permille"
            case revenuePerMemberMinor = "revenue_per_member_minor"
        }
    }

    let code: String
    let name: String
    let channel: String
    let sentAt: Date
    let windowDays: Int
    let holdoutPercent: Int
    let contacted: Arm
    let holdout: Arm
    /// Contacted conversion − holdout conversion, in tenths of a percentage point.
    let upliftPermille: Int64?
    /// Contacted revenue − holdout revenue × contacted members ÷ holdout members, rounded once.
    let incrementalRevenueMinor: Int64?
    let costMinor: Int64
    let costCurrency: String
    /// (Incremental revenue − cost) ÷ cost in tenths of a percent; only when the cost is in the report's currency.
    let returnOnCostPermille: Int64?

    init(_ campaign: CampaignAttribution, currency: String) {
        code = campaign.code
        name = campaign.name
        channel = campaign.channel
        sentAt = campaign.sentAt
        windowDays = campaign.windowDays
        holdoutPercent = campaign.holdoutPercent
        contacted = Arm(campaign.contacted)
        holdout = Arm(campaign.holdout)
        if let treated = contacted.conversionPermille, let control = holdout.conversionPermille {
            upliftPermille = treated - control
        } else {
            upliftPermille = nil
        }
        incrementalRevenueMinor = Ratio.scaledQuotient(campaign.holdout.revenueMinor, times: campaign.contacted.members, over: campaign.holdout.members)
            .map { campaign.contacted.revenueMinor - $0 }
        costMinor = campaign.costMinor
        costCurrency = campaign.costCurrency
        returnOnCostPermille = campaign.costCurrency == currency
            ? incrementalRevenueMinor.flatMap { Ratio.permille($0 - campaign.costMinor, of: campaign.costMinor) } : nil
    }

    enum CodingKeys: String, CodingKey {
        case code, name, channel, sentAt = "sent_at", windowDays = "window_days", holdoutPercent = "holdout_percent", contacted, holdout
        case upliftPermille = "uplift_permille", incrementalRevenueMinor = "incremental_revenue_minor", costMinor = "cost_minor"
        case costCurrency = "cost_currency", returnOnCostPermille = "return_on_cost_permille"
    }
}

import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty purchase metrics MEMBER`: one member's purchase figures, lapse state and RFM scores.
struct PurchaseMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "A member's purchase days, spend, gaps, expected next purchase, lapse state and RFM.",
        discussion: "Days are in programme.time-zone; spend is net of returns, in tracker.currency (docs/purchases.md).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let found = try await runtime.withStore { store in try await store.purchaseMetrics(reference) }
        guard let metrics = found else {
            runtime.output.message("No purchases yet.", always: runtime.output.format == .table)
            if runtime.output.format == .json { runtime.output.write("null") }
            return
        }
        let currency = metrics.currency
        let money = { (minor: Int64) -> String in GiftCardArguments.money(minor, currency) + " " + currency }
        var rfm = "not scored yet (loyalty purchase refresh)"
        if let recency = metrics.recencyScore, let frequency = metrics.frequencyScore, let monetary = metrics.monetaryScore {
            rfm = "R\(recency) F\(frequency) M\(monetary) (\(metrics.rfmSegment ?? ""))"
        }
        let meanGap: String = metrics.meanGapDays.map { "\($0) days" } ?? "–"
        let medianGap: String = metrics.medianGapDays.map { "\($0) days" } ?? "–"
        let lapse = "\(metrics.lapseState) (lapsed after \(metrics.lapseThresholdDays) days)"
        try runtime.output.record(
            [
                ("member", metrics.member), ("first purchase", metrics.firstPurchase), ("last purchase", metrics.lastPurchase),
                ("purchase days", String(metrics.purchaseDays)), ("receipts", String(metrics.receipts)), ("returns", String(metrics.returns)),
                ("spend", money(metrics.spend)), ("average spend", money(metrics.averageSpend)),
                ("mean gap", meanGap), ("median gap", medianGap),
                ("expected next", metrics.expectedNextPurchase ?? "–"),
                ("days since last", String(metrics.daysSinceLastPurchase)),
                ("lapse state", lapse), ("rfm", rfm),
            ],
            json: metrics)
    }
}

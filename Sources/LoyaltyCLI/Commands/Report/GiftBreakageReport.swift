import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report gift-breakage`: gift card money that expired unspent.
struct GiftBreakageReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gift-breakage", abstract: "Expired gift card balances (breakage) per currency and month.",
        discussion: """
            expired: balances the gift card job took off, by the month of its run (programme time zone). pending: \
            balances of cards past their last day that the job has not expired yet, by the month after their last day.
            """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let lines = try await runtime.withStore { store in try await store.giftCardBreakage() }
        try runtime.output.list(
            columns: ["currency", "month", "status", "cards", "amount"],
            rows: lines.map { [$0.currency, $0.month, $0.status, String($0.cards), GiftCardArguments.money($0.amount, $0.currency)] },
            json: lines)
    }
}

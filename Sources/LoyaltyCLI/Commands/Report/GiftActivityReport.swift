import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report gift-activity [--from D] [--to D] [--store S]`.
struct GiftActivityReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gift-activity", abstract: "Gift card activities per store and day, per currency and kind.",
        discussion: """
            Days are the programme's (programme.time-zone). amount: the sum of the balance changes (negative for \
            redemptions); held: the sum of the held changes. Administrators' and jobs' activities have no store.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "One store's code.") var store: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let first = try from.map { text throws(LoyaltyError) in try CalendarDate(parsing: text, argument: "from") }
        let last = try to.map { text throws(LoyaltyError) in try CalendarDate(parsing: text, argument: "to") }
        let code = try store.map { text throws(LoyaltyError) in try FieldRules.requiredText(text, field: "store", maximumLength: 64) }
        let lines = try await runtime.withStore { store in try await store.giftCardActivity(from: first, to: last, store: code) }
        try runtime.output.list(
            columns: ["day", "store", "currency", "kind", "count", "amount", "held"],
            rows: lines.map {
                [
                    $0.day, $0.store ?? "", $0.currency, $0.kind, String($0.count), GiftCardArguments.money($0.amount, $0.currency),
                    GiftCardArguments.money($0.held, $0.currency),
                ]
            },
            json: lines)
    }
}

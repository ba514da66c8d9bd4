import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report gift-liability`: money owed on live gift cards, per currency.
struct GiftLiabilityReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gift-liability", abstract: "Outstanding gift card liability per currency.",
        discussion: """
            The balances of cards that are active or blocked and not past their last day (in the programme's time \
            zone), the number of those cards with a balance, and the part held for captures still to come.
            """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let lines = try await runtime.withStore { store in try await store.giftCardLiability() }
        try runtime.output.list(
            columns: ["currency", "cards", "balance", "held"],
            rows: lines.map {
                [$0.currency, String($0.cards), GiftCardArguments.money($0.balance, $0.currency), GiftCardArguments.money($0.held, $0.currency)]
            },
            json: lines)
    }
}

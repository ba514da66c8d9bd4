/// How the service guards gift cards at the till (docs/giftcards.md, Limits).
public struct GiftCardRules: Sendable, Hashable, Codable {
    /// Wrong codes and wrong PINs a terminal may send within ``failureWindowMinutes`` before its gift-card
    /// requests are refused with `RATE_LIMITED` (setting `giftcards.terminal-failures`).
    public var terminalFailures: Int
    /// The window over which a terminal's failures are counted, in minutes (`giftcards.failure-window`).
    public var failureWindowMinutes: Int
    /// Wrong PINs in a row after which a card is blocked (`giftcards.pin-attempts`). A right PIN and an
    /// administrator's unblock start the count again.
    public var pinAttempts: Int
    /// Minutes after which a hold that was neither captured nor released is released (`giftcards.hold-minutes`).
    public var holdMinutes: Int

    public init(terminalFailures: Int = 10, failureWindowMinutes: Int = 15, pinAttempts: Int = 3, holdMinutes: Int = 30)
        throws(LoyaltyError)
    {
        guard (1...1000).contains(terminalFailures) else {
            throw .badArgument("giftcards.terminal-failures", "must be 1...1000")
        }
        guard (1...1440).contains(failureWindowMinutes) else {
            throw .badArgument("giftcards.failure-window", "must be 1...1440 minutes")
        }
        guard (1...20).contains(pinAttempts) else { throw .badArgument("giftcards.pin-attempts", "must be 1...20") }
        guard (1...10080).contains(holdMinutes) else {
            throw .badArgument("giftcards.hold-minutes", "must be 1...10080 minutes (a week)")
        }
        self.terminalFailures = terminalFailures
        self.failureWindowMinutes = failureWindowMinutes
        self.pinAttempts = pinAttempts
        self.holdMinutes = holdMinutes
    }

    /// 10 failures per terminal in 15 minutes, 3 PIN attempts per card, holds released after 30 minutes.
    public static let standard = GiftCardRules(checked: ())

    private init(checked: Void) {
        terminalFailures = 10
        failureWindowMinutes = 15
        pinAttempts = 3
        holdMinutes = 30
    }

    enum CodingKeys: String, CodingKey {
        case terminalFailures = "terminal_failures"
        case failureWindowMinutes = "failure_window_minutes"
        case pinAttempts = "pin_attempts"
        case holdMinutes = "hold_minutes"
    }
}

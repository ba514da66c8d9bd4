import Configuration
import LoyaltyCore

extension Settings {
    /// The gift card rules from `giftcards.terminal-failures`, `giftcards.failure-window` (minutes),
    /// `giftcards.pin-attempts` and `giftcards.hold-minutes` (docs/operations.md, §14).
    static func giftCardRules(_ config: ConfigReader) throws(LoyaltyError) -> GiftCardRules {
        do throws(LoyaltyError) {
            return try GiftCardRules(
                terminalFailures: integer(config, "giftcards.terminal-failures", default: 10),
                failureWindowMinutes: integer(config, "giftcards.failure-window", default: 15),
                pinAttempts: integer(config, "giftcards.pin-attempts", default: 3),
                holdMinutes: integer(config, "giftcards.hold-minutes", default: 30))
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
    }
}

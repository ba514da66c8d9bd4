import Configuration
import LoyaltyCore

extension Settings {
    /// The birthday bonus from `crm.birthday-bonus-points` (0, the default, turns it off) and
    /// `crm.birthday-catch-up-days` (default 7) (docs/interactions.md).
    static func birthdayBonus(_ config: ConfigReader) throws(LoyaltyError) -> BirthdayBonusRules {
        do throws(LoyaltyError) {
            return try BirthdayBonusRules(
                points: Int64(integer(config, "crm.birthday-bonus-points", default: 0)),
                catchUpDays: integer(config, "crm.birthday-catch-up-days", default: 7))
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
    }
}

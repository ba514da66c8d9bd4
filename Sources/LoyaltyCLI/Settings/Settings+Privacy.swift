import Configuration
import LoyaltyCore

extension Settings {
    /// `privacy.retention-days` (`LOYALTY_PRIVACY_RETENTION_DAYS`): unset means no retention erasure.
    static func retentionPeriod(_ config: ConfigReader) throws(LoyaltyError) -> RetentionPeriod? {
        let key: ConfigKey = "privacy.retention-days"
        guard config.int(forKey: key) != nil || config.string(forKey: key) != nil else { return nil }
        do throws(LoyaltyError) {
            return try RetentionPeriod(days: integer(config, key, default: 0))
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
    }
}

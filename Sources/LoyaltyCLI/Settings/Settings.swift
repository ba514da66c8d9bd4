import LoyaltyCore
import LoyaltyServer
import LoyaltyStore

/// Everything the CLI and the server are configured with, read once at start from flags, environment
/// variables (`LOYALTY_…`) and an optional JSON file, in that order of precedence.
struct Settings: Sendable {
    /// `LOYALTY_DATABASE_URL`: an external PostgreSQL. Unset: the embedded cluster under `home`.
    var databaseURL: DatabaseURL?
    /// `LOYALTY_DATABASE_MIGRATION_URL`: the schema owner's URL, for `db migrate` and `serve --migrate`, when
    /// `database.url` is the app role's (docs/operations.md, "Database roles"). Unset: `database.url`.
    var databaseMigrationURL: DatabaseURL?
    var poolSize: Int
    /// `LOYALTY_HOME`: the state directory (embedded cluster, socket). Default `./.loyalty`.
    var home: String
    /// `LOYALTY_PG_BIN`, `LOYALTY_PG_USER`: where the PostgreSQL binaries are; which user runs them when we are root.
    var postgresBinDirectory: String?
    var postgresUser: String?
    var server: ServerConfiguration
    var earnRates: EarnRates
    /// The programme's rules: tiers, pending points, expiry, time zone.
    var rules: ProgrammeRules
    var rewardRules: RewardRules
    /// `giftcards.*`: failure limits at the till, PIN attempts, hold time.
    var giftCardRules: GiftCardRules
    /// `tracker.*`: the repeat-purchase tracker's currency and lapse rule.
    var trackerRules: TrackerRules
    /// `crm.birthday-*`: the birthday bonus job.
    var birthdayBonus: BirthdayBonusRules
    /// `LOYALTY_SECURITY_KEY_FILE`: the installation key (voucher codes), default `<home>/secret.key`;
    /// created with 32 random bytes, mode 0600, the first time a command needs it.
    var keyFile: String
    /// `privacy.retention-days`: closed members' personal data is erased this long after closing by
    /// `jobs run retention`; unset (the default), the job erases nothing.
    var retention: RetentionPeriod?
    /// `events.expiry-notice-days` (default 30): `jobs run events` tells of points expiring this soon.
    var expiryNoticeDays: Int
    /// `events.retention-days` (default 90): `jobs run events` removes older events from the outbox.
    var eventRetentionDays: Int
    /// `webhooks.*`: how `webhook run` retries, times out and spreads its deliveries.
    var webhooks: WebhookSettings
    var defaultRegion: PhoneNumber.Region
    /// Unset: `info` for `serve`, `warning` for the admin commands, whose output is their answer.
    var logLevel: String?
    /// `metrics.port`, `metrics.host`: the Prometheus endpoint of `serve`; nil (the default): none.
    var metrics: MetricsSettings?
}

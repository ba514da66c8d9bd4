import Foundation
import Logging
import LoyaltyCore
import PostgresNIO

/// The one place that speaks SQL. Every method is one statement or one call of a SQL function, so that
/// a till request costs one round trip and runs as one transaction.
///
/// Errors thrown are ``LoyaltyError``s: PostgreSQL errors are mapped to protocol codes by
/// ``StoreErrorMapping`` and nothing else leaves this type.
public struct LoyaltyStore: Sendable {
    public let client: PostgresClient
    let logger: Logger
    /// The programme's rules (tiers, pending points, expiry), which the ledger functions apply.
    public let rules: ProgrammeRules
    /// `rules` as the SQL functions take them, encoded once.
    let rulesJSON: String
    /// How vouchers are issued (their validity).
    public let rewardRules: RewardRules
    /// The installation's key, which voucher codes are derived and hashed with; voucher operations
    /// refuse with `CONFIGURATION` without one.
    public let installationKey: InstallationKey?
    /// How gift cards are guarded at the till (failure limits, hold time).
    public let giftCardRules: GiftCardRules
    /// `giftCardRules` as the gift-card functions take them, encoded once.
    let giftRulesJSON: String
    /// The repeat-purchase tracker's currency and lapse rule.
    public let trackerRules: TrackerRules
    /// `trackerRules.lapse` as `loyalty_lapse_state` takes it, encoded once.
    let lapseJSON: String

    public init(
        client: PostgresClient, logger: Logger, rules: ProgrammeRules = .standard, rewardRules: RewardRules = .standard,
        giftCardRules: GiftCardRules = .standard, trackerRules: TrackerRules = .standard,
        installationKey: InstallationKey? = nil
    ) {
        self.client = client
        self.logger = logger
        self.rules = rules
        self.rulesJSON = rules.databaseJSON
        self.rewardRules = rewardRules
        self.giftCardRules = giftCardRules
        // Four integers: encoding cannot fail.
        self.giftRulesJSON = (try? String(decoding: JSONEncoder().encode(giftCardRules), as: UTF8.self)) ?? "{}"
        self.trackerRules = trackerRules
        // Integers and a rule name: encoding cannot fail.
        self.lapseJSON = (try? String(decoding: JSONEncoder().encode(trackerRules.lapse), as: UTF8.self)) ?? "{}"
        self.installationKey = installationKey
    }

    /// The installation key, or a `CONFIGURATION` error when the store was made without one.
    func requireKey() throws(LoyaltyError) -> InstallationKey {
        guard let installationKey else {
            throw LoyaltyError(.configuration, "no installation key: voucher and gift card codes cannot be made or checked")
        }
        return installationKey
    }

    /// Runs a query and maps any failure to a ``LoyaltyError``.
    func run<Result>(_ body: () async throws -> Result) async throws(LoyaltyError) -> Result {
        do {
            return try await body()
        } catch {
            throw StoreErrorMapping.map(error, logger: logger)
        }
    }

    /// Runs a query that writes only to keep derived data fresh; on a read-only database (a standby,
    /// SQLSTATE 25006) returns `fallback` instead of failing.
    func runUnlessReadOnly<Result>(otherwise fallback: Result, _ body: () async throws -> Result) async throws(LoyaltyError) -> Result {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "25006" {
            logger.debug("read-only database: derived data not refreshed")
            return fallback
        } catch {
            throw StoreErrorMapping.map(error, logger: logger)
        }
    }

    /// Runs a mutating call; when a concurrent duplicate of the same terminal request committed first
    /// (the idempotency record's primary key was taken), runs it once more so that it replays.
    func runIdempotent<Result>(_ body: () async throws -> Result) async throws(LoyaltyError) -> Result {
        do {
            return try await body()
        } catch where StoreErrorMapping.isConcurrentDuplicateRequest(error) {
            return try await run(body)
        } catch {
            throw StoreErrorMapping.map(error, logger: logger)
        }
    }
}

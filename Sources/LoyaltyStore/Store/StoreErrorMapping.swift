import Logging
import LoyaltyCore
import PostgresNIO

/// Maps PostgreSQL failures to the service's stable error codes. The one place that knows SQLSTATEs
/// and constraint names.
enum StoreErrorMapping {
    /// SQLSTATEs raised by the functions in `sql/migrations` (class `LY`).
    static let functionCodes: [String: LoyaltyError.Code] = [
        "LY400": .badArgument,
        "LY401": .authFailed,
        "LY402": .insufficientPoints,
        "LY404": .notFound,
        "LY409": .alreadyExists,
        "LY410": .memberInactive,
        "LY411": .rewardUnavailable,
        "LY412": .outOfStock,
        "LY413": .tierTooLow,
        "LY420": .voucherUsed,
        "LY421": .voucherExpired,
        "LY422": .reversalLimit,
        "LY428": .idempotencyConflict,
        "LY429": .rateLimited,
        "LY431": .insufficientFunds,
        "LY432": .cardInactive,
        "LY433": .cardBlocked,
        "LY434": .cardClosed,
        "LY435": .cardExpired,
        "LY436": .cardActive,
        "LY437": .pinRequired,
        "LY438": .wrongPIN,
        "LY439": .holdClosed,
        "LY441": .currencyMismatch,
        "LY450": .memberErased,
        "LY503": .configuration,
    ]

    /// Unique constraints and what a violation means to a person.
    static let uniqueConstraints: [String: String] = [
        "members_email_open": "a member with this email already exists",
        "members_phone_open": "a member with this phone number already exists",
        "members_external_id_key": "a member with this external id already exists",
        "terminals_name_key": "a terminal with this name already exists",
        "tiers_code_key": "a tier with this code already exists",
        "tiers_rank_key": "another tier has this rank",
        "rewards_code_key": "a reward with this code already exists",
    ]

    /// Foreign keys and check constraints whose violation is the administrator's to fix, with what it means.
    static let badArgumentConstraints: [String: String] = [
        "rewards_min_tier_id_fkey": "a reward is restricted to this tier",
        "rewards_dates": "the reward's last day comes before its first",
        "acquisition_sources_check": "the source's last day comes before its first",
    ]

    static func map(_ error: any Error, logger: Logger) -> LoyaltyError {
        if let error = error as? LoyaltyError { return error }
        if let error = error as? PostgresTransactionError {
            return map(error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
                ?? LoyaltyError(.internal, "transaction failed"), logger: logger)
        }
        guard let error = error as? PSQLError else {
            if error is CancellationError { return LoyaltyError(.unavailable, "request cancelled") }
            logger.error("unexpected store failure", metadata: ["error": "\(String(reflecting: error))"])
            return LoyaltyError(.internal, "internal error")
        }
        guard error.code == .server, let info = error.serverInfo, let state = info[.sqlState] else {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
                .queryCancelled:
                return LoyaltyError(.unavailable, "database unavailable; retry with the same req")
            default:
                logger.error("unexpected PostgreSQL client failure", metadata: ["error": "\(String(reflecting: error))"])
                return LoyaltyError(.internal, "internal error")
            }
        }
        return map(sqlState: state, message: info[.message] ?? "database error", constraint: info[.constraintName], logger: logger)
    }

    /// Maps a PostgreSQL error, raised or stored as a refusal by a ledger function, to a service error.
    static func map(sqlState state: String, message: String, constraint: String?, logger: Logger) -> LoyaltyError {
        if let code = functionCodes[state] {
            return LoyaltyError(code, message)
        }
        switch state {
        case "23505":
            return LoyaltyError(.alreadyExists, uniqueConstraints[constraint ?? ""] ?? "already exists")
        case "23503" where badArgumentConstraints[constraint ?? ""] != nil,
            "23514" where badArgumentConstraints[constraint ?? ""] != nil:
            return LoyaltyError(.badArgument, badArgumentConstraints[constraint ?? ""] ?? "refused")
        case "23503":
            return LoyaltyError(.badArgument, "still in use (\(constraint ?? "a reference"))")
        case "23514" where constraint == "point_accounts_balance_check":
            return LoyaltyError(.insufficientPoints, "not enough points")
        case "23514" where constraint == "gift_cards_balance_not_negative" || constraint == "gift_cards_held_within_balance":
            return LoyaltyError(.insufficientFunds, "the gift card does not hold enough")
        case "23514", "23502", "22001", "22003", "22P02", "22007", "22008":
            logger.debug("constraint refused input", metadata: ["sqlstate": "\(state)", "message": "\(message)"])
            return LoyaltyError(.badArgument, "value refused by the database (\(constraint ?? state))")
        case "LY405", "LY500":
            logger.error("database integrity refusal", metadata: ["sqlstate": "\(state)", "message": "\(message)"])
            return LoyaltyError(.internal, "internal error")
        case "57014", "55P03":
            // statement_timeout or lock_timeout: the statement was cancelled and rolled back.
            return LoyaltyError(.unavailable, "database did not answer in time; retry with the same req")
        case let state where state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300":
            return LoyaltyError(.unavailable, "database unavailable; retry with the same req")
        case "25006":
            // A hot standby (or default_transaction_read_only): docs/scaling.md.
            return LoyaltyError(.unavailable, "the database is read-only (a standby?): changes go to the primary")
        case "42501":
            // The app role (0023_database_roles.sql) lacks a privilege: a deployment error, not the caller's.
            logger.error("database role lacks a privilege", metadata: ["message": "\(message)"])
            return LoyaltyError(.configuration, "the database role may not do this (\(message)); see docs/operations.md, Database roles")
        case "40001", "40P01":
            return LoyaltyError(.unavailable, "database conflict; retry with the same req")
        default:
            logger.error("unexpected PostgreSQL error", metadata: ["sqlstate": "\(state)", "message": "\(message)"])
            return LoyaltyError(.internal, "internal error")
        }
    }

    /// Whether the failure is the idempotency record of the same terminal request being taken by a
    /// concurrent duplicate that committed first.
    static func isConcurrentDuplicateRequest(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let info = error.serverInfo else { return false }
        return info[.sqlState] == "23505" && info[.constraintName] == "terminal_requests_pkey"
    }
}

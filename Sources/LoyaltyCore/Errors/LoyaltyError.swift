/// An error with a stable machine-readable code and a human message.
///
/// The code is what terminals and scripts branch on (it is the protocol's `ERR CODE`
/// and the CLI's error prefix); the message is for people and may change wording.
/// Modelled as a struct rather than an enum so that new codes can be added without
/// breaking anyone who switches over the existing ones.
public struct LoyaltyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code. Its raw value is an upper-case identifier such as `BAD_ARGUMENT`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension LoyaltyError.Code {
    /// A request other than PING, HELP, QUIT or AUTH arrived before a successful AUTH.
    public static let authRequired = Self(rawValue: "AUTH_REQUIRED")
    /// The terminal is unknown, revoked, or the secret is wrong.
    public static let authFailed = Self(rawValue: "AUTH_FAILED")
    /// The terminal belongs to another store than the one the request names.
    public static let storeMismatch = Self(rawValue: "STORE_MISMATCH")
    /// The verb is not part of the protocol.
    public static let unknownCommand = Self(rawValue: "UNKNOWN_COMMAND")
    /// The line could not be tokenised: bad quoting, invalid UTF-8, a malformed or repeated key.
    public static let badRequest = Self(rawValue: "BAD_REQUEST")
    /// A required argument is absent.
    public static let missingArgument = Self(rawValue: "MISSING_ARGUMENT")
    /// An argument is present but invalid (format, range, check digit, unknown key ...).
    public static let badArgument = Self(rawValue: "BAD_ARGUMENT")
    /// The member, entry or record named does not exist.
    public static let notFound = Self(rawValue: "NOT_FOUND")
    /// A record with the same unique value (email, phone, name) already exists.
    public static let alreadyExists = Self(rawValue: "ALREADY_EXISTS")
    /// The member is suspended or closed and cannot earn or redeem.
    public static let memberInactive = Self(rawValue: "MEMBER_INACTIVE")
    /// The member's personal data was erased: the record is anonymous and cannot be changed again.
    public static let memberErased = Self(rawValue: "MEMBER_ERASED")
    /// A redemption asks for more spendable points than the member has.
    public static let insufficientPoints = Self(rawValue: "INSUFFICIENT_POINTS")
    /// A reversal would take back more than the original earn awarded or refund more than was paid.
    public static let reversalLimit = Self(rawValue: "REVERSAL_LIMIT")
    /// The reward cannot be claimed now: it is retired, not valid yet, or its last day has passed.
    public static let rewardUnavailable = Self(rawValue: "REWARD_UNAVAILABLE")
    /// The reward has no stock left.
    public static let outOfStock = Self(rawValue: "OUT_OF_STOCK")
    /// The reward is for members of a higher tier.
    public static let tierTooLow = Self(rawValue: "TIER_TOO_LOW")
    /// The voucher was already used; a voucher is used once.
    public static let voucherUsed = Self(rawValue: "VOUCHER_USED")
    /// The voucher's last day has passed.
    public static let voucherExpired = Self(rawValue: "VOUCHER_EXPIRED")
    /// A gift card does not hold enough money for the redemption or hold, and partial approval was not asked for.
    public static let insufficientFunds = Self(rawValue: "INSUFFICIENT_FUNDS")
    /// The gift card was printed but not sold yet: activate it first.
    public static let cardInactive = Self(rawValue: "CARD_INACTIVE")
    /// The gift card is already active (a second activation).
    public static let cardActive = Self(rawValue: "CARD_ACTIVE")
    /// The gift card is blocked (by an administrator, or after too many wrong PINs).
    public static let cardBlocked = Self(rawValue: "CARD_BLOCKED")
    /// The gift card was closed (cashed out or voided).
    public static let cardClosed = Self(rawValue: "CARD_CLOSED")
    /// The gift card's last day has passed.
    public static let cardExpired = Self(rawValue: "CARD_EXPIRED")
    /// The gift card has a PIN and the request gave none.
    public static let pinRequired = Self(rawValue: "PIN_REQUIRED")
    /// The PIN is wrong. Counted: too many block the card.
    public static let wrongPIN = Self(rawValue: "WRONG_PIN")
    /// The amount is in another currency than the gift card's.
    public static let currencyMismatch = Self(rawValue: "CURRENCY_MISMATCH")
    /// The hold was already captured or released (or released after its time ran out).
    public static let holdClosed = Self(rawValue: "HOLD_CLOSED")
    /// Too many failures from this terminal: wait before sending more gift-card requests. Also a member's
    /// point transfers beyond their rolling 30-day allowance (`points.transfer-max-30-days`).
    public static let rateLimited = Self(rawValue: "RATE_LIMITED")
    /// Another runner of the same periodic job holds its lock; this run did nothing (`jobs run`).
    public static let jobRunning = Self(rawValue: "JOB_RUNNING")
    /// The request id was already used by this terminal for a different request.
    public static let idempotencyConflict = Self(rawValue: "IDEMPOTENCY_CONFLICT")
    /// The request line is longer than the protocol allows; the connection is closed.
    public static let lineTooLong = Self(rawValue: "LINE_TOO_LONG")
    /// A connection limit was reached (too many connections from one address, a line not finished within
    /// the read time-out); the server closes the connection after this reply.
    public static let limit = Self(rawValue: "LIMIT")
    /// The database cannot be reached. Nothing was changed; the request is safe to retry.
    public static let unavailable = Self(rawValue: "UNAVAILABLE")
    /// An unexpected failure. Details are logged, never sent.
    public static let `internal` = Self(rawValue: "INTERNAL")
    /// The schema or configuration is not in a state the command can work with.
    public static let configuration = Self(rawValue: "CONFIGURATION")
    /// `loyalty db check` found stored data that breaks an invariant of the stores.
    public static let inconsistent = Self(rawValue: "INCONSISTENT")
}

extension LoyaltyError {
    public static func missingArgument(_ name: String) -> LoyaltyError {
        LoyaltyError(.missingArgument, "missing argument \(name)")
    }

    public static func badArgument(_ name: String, _ reason: String) -> LoyaltyError {
        LoyaltyError(.badArgument, "\(name): \(reason)")
    }
}

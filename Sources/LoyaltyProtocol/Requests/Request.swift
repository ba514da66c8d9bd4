import LoyaltyCore

/// A typed request from a terminal, produced by ``RequestParser`` from one line.
public enum Request: Sendable, Hashable {
    case ping
    /// `HEALTH`: whether the server can reach its database (for probes such as `loyalty health`).
    case health
    case help
    case quit
    /// `AUTH terminal=NAME secret=SECRET [store=STORE]`: `store` names the store the till believes it is in.
    case auth(terminal: String, secret: String, store: String? = nil)
    /// `MEMBER member=|phone=|email=`: look a member up.
    case member(MemberReference)
    case enroll(EnrollRequest)
    case balance(MemberReference)
    /// `HISTORY member=... [limit=N]`: the latest ledger entries, newest first.
    case history(MemberReference, limit: Int)
    case earn(EarnRequest)
    case redeem(RedeemRequest)
    case reverse(ReverseRequest)
    /// `REWARDS member=|phone=|email=`: what the member can claim now.
    case rewards(MemberReference)
    case claim(ClaimRequest)
    /// `VOUCHER code=...`: check a voucher.
    case voucher(RedemptionCode)
    case use(UseRequest)
    /// `GIFT BALANCE code=... [pin=...]`: a gift card's state and money.
    case giftBalance(GiftBalanceRequest)
    /// `GIFT ACTIVATE`, `LOAD`, `REDEEM`, `REFUND`, `HOLD`, `CAPTURE` or `RELEASE`: change a gift card.
    case gift(GiftCardRequest)

    /// The verb as written in the spec (upper case).
    public var verb: String {
        switch self {
        case .ping: "PING"
        case .health: "HEALTH"
        case .help: "HELP"
        case .quit: "QUIT"
        case .auth: "AUTH"
        case .member: "MEMBER"
        case .enroll: "ENROLL"
        case .balance: "BALANCE"
        case .history: "HISTORY"
        case .earn: "EARN"
        case .redeem: "REDEEM"
        case .reverse: "REVERSE"
        case .rewards: "REWARDS"
        case .claim: "CLAIM"
        case .voucher: "VOUCHER"
        case .use: "USE"
        case .giftBalance: "GIFT BALANCE"
        case .gift(let request): request.action.verb
        }
    }

    /// Whether the request may be sent before AUTH.
    public var allowedBeforeAuth: Bool {
        switch self {
        case .ping, .health, .help, .quit, .auth: true
        default: false
        }
    }
}

/// `ENROLL req=... first_name=... last_name=... [email=] [phone=] [birth_date=] [consent_email=0|1] [consent_sms=0|1]`
public struct EnrollRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var firstName: String
    public var lastName: String
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var birthDate: CalendarDate?
    public var emailConsent: Bool
    public var smsConsent: Bool

    public init(
        requestID: RequestID, firstName: String, lastName: String, email: EmailAddress? = nil,
        phone: PhoneNumber? = nil, birthDate: CalendarDate? = nil, emailConsent: Bool = false, smsConsent: Bool = false
    ) {
        self.requestID = requestID
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.birthDate = birthDate
        self.emailConsent = emailConsent
        self.smsConsent = smsConsent
    }
}

/// What an EARN awards: points computed from a purchase amount, or an explicit number of points.
public enum EarnBasis: Sendable, Hashable {
    case purchase(Money)
    case points(Int64)
}

/// `EARN req=... member=... (amount=... currency=... | points=N) [receipt=...]`
public struct EarnRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var member: MemberReference
    public var basis: EarnBasis
    public var receipt: String?

    public init(requestID: RequestID, member: MemberReference, basis: EarnBasis, receipt: String? = nil) {
        self.requestID = requestID
        self.member = member
        self.basis = basis
        self.receipt = receipt
    }
}

/// `REDEEM req=... member=... points=N [receipt=...]`
public struct RedeemRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var member: MemberReference
    public var points: Int64
    public var receipt: String?

    public init(requestID: RequestID, member: MemberReference, points: Int64, receipt: String? = nil) {
        self.requestID = requestID
        self.member = member
        self.points = points
        self.receipt = receipt
    }
}

/// `REVERSE req=... (of=REQ | entry=ID) [amount=... currency=... | points=N]`
public struct ReverseRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var original: EarnReference
    public var extent: ReversalExtent

    public init(requestID: RequestID, original: EarnReference, extent: ReversalExtent) {
        self.requestID = requestID
        self.original = original
        self.extent = extent
    }
}

/// `CLAIM req=... <member> reward=CODE`
public struct ClaimRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var member: MemberReference
    public var reward: RewardCode

    public init(requestID: RequestID, member: MemberReference, reward: RewardCode) {
        self.requestID = requestID
        self.member = member
        self.reward = reward
    }
}

/// `USE req=... code=... receipt=...`
public struct UseRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var code: RedemptionCode
    public var receipt: String

    public init(requestID: RequestID, code: RedemptionCode, receipt: String) {
        self.requestID = requestID
        self.code = code
        self.receipt = receipt
    }
}

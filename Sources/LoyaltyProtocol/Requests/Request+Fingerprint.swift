import LoyaltyCore
import NIOCore

extension Request {
    /// The canonical text of what a mutating request asks for, used to detect an idempotency conflict
    /// (the same `req=` sent again with a different meaning). Nil for requests that change nothing.
    ///
    /// The text is the verb followed by the request's arguments in a fixed order with normalised values
    /// (amounts in minor units with their currency, members as `number=`, `phone=` or `email=` in their
    /// normalised form, names trimmed, flags as `0`/`1`); the `req` itself is left out. Two lines that
    /// mean the same, however they were spelled, give the same fingerprint:
    ///
    ///     EARN number=0000000018 amount=2500 currency=EUR receipt=R-1
    ///
    /// Fingerprints are stored with the replies and compared after restarts, so this format must stay stable.
    public var fingerprint: String? {
        guard let fields = fingerprintFields else { return nil }
        var buffer = ByteBuffer()
        buffer.writeString(verb)
        buffer.writeReplyPairs(fields)
        return String(buffer: buffer)
    }

    private var fingerprintFields: ReplyFields? {
        var fields = ReplyFields()
        switch self {
        case .ping, .health, .help, .quit, .auth, .member, .balance, .history, .rewards, .voucher, .giftBalance:
            return nil
        case .enroll(let request):
            fields.append("first_name", request.firstName)
            fields.append("last_name", request.lastName)
            fields.append("email", request.email?.value)
            fields.append("phone", request.phone?.e164)
            fields.append("birth_date", request.birthDate?.description)
            fields.append("consent_email", request.emailConsent ? "1" : "0")
            fields.append("consent_sms", request.smsConsent ? "1" : "0")
        case .earn(let request):
            fields.append(request.member.kind, request.member.value)
            switch request.basis {
            case .purchase(let money): fields.append(money)
            case .points(let points): fields.append("points", String(points))
            }
            fields.append("receipt", request.receipt)
        case .redeem(let request):
            fields.append(request.member.kind, request.member.value)
            fields.append("points", String(request.points))
            fields.append("receipt", request.receipt)
        case .reverse(let request):
            switch request.original {
            case .request(let id): fields.append("of", id.value)
            case .entry(let entry): fields.append("entry", String(entry))
            }
            switch request.extent {
            case .full: fields.append("extent", "full")
            case .amount(let money): fields.append(money)
            case .points(let points): fields.append("points", String(points))
            }
        case .claim(let request):
            fields.append(request.member.kind, request.member.value)
            fields.append("reward", request.reward.value)
        case .use(let request):
            // Names the code: the store keys this text before it keeps anything of it.
            fields.append("code", request.code.canonical)
            fields.append("receipt", request.receipt)
        case .gift(let request):
            // Names the code (keyed by the store, as for USE). Never the PIN: a retry with the same `req`
            // replays the first outcome whatever PIN it carries, so a new PIN attempt needs a new `req`.
            fields.append("code", request.code.canonical)
            fields.append(giftCardAction: request.action)
        }
        return fields
    }
}

extension ReplyFields {
    /// Appends what a gift-card action asks for: `amount= currency=` (minor units), `partial=0|1` for
    /// REDEEM and HOLD, `hold=`, the member by kind, `receipt=`.
    fileprivate mutating func append(giftCardAction action: GiftCardOperation) {
        switch action {
        case .activate(let amount, let member, let receipt):
            if let amount { append(amount) }
            if let member { append(member.kind, member.value) }
            append("receipt", receipt)
        case .load(let money, let receipt), .refund(let money, let receipt):
            append(money)
            append("receipt", receipt)
        case .redeem(let money, let partial, let receipt), .hold(let money, let partial, let receipt):
            append(money)
            append("partial", partial ? "1" : "0")
            append("receipt", receipt)
        case .capture(let hold, let amount, let receipt):
            append("hold", String(hold))
            if let amount { append(amount) }
            append("receipt", receipt)
        case .release(let hold):
            append("hold", String(hold))
        }
    }

    /// Appends `amount=MINOR_UNITS currency=CODE`.
    fileprivate mutating func append(_ money: Money) {
        append("amount", String(money.minorUnits))
        append("currency", money.currency.code)
    }
}

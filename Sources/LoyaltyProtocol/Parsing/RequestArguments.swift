import LoyaltyCore

/// The arguments of one request line, checked against the keys its verb accepts,
/// with readers that validate values into LoyaltyCore types.
struct RequestArguments {
    private let values: [String: String]

    /// - Throws: `BAD_ARGUMENT` for a key the verb does not accept or an empty value.
    init(_ line: TokenizedLine, allowed: Set<String>) throws(LoyaltyError) {
        var values: [String: String] = [:]
        for argument in line.arguments {
            guard allowed.contains(argument.key) else {
                throw LoyaltyError(.badArgument, "unknown argument \(argument.key) for \(line.verb)")
            }
            guard !argument.value.isEmpty else { throw .badArgument(argument.key, "empty value") }
            values[argument.key] = argument.value
        }
        self.values = values
    }

    /// The value of `key`, if given.
    subscript(key: String) -> String? { values[key] }

    func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key`. - Throws: `MISSING_ARGUMENT` when it is absent.
    func required(_ key: String) throws(LoyaltyError) -> String {
        guard let value = values[key] else { throw .missingArgument(key) }
        return value
    }

    /// The mandatory idempotency key `req`.
    func requestID() throws(LoyaltyError) -> RequestID {
        try RequestID(parsing: required("req"))
    }

    /// The member named by exactly one of `member=`, `phone=` or `email=`.
    func memberReference(defaultRegion: PhoneNumber.Region) throws(LoyaltyError) -> MemberReference {
        let given = MemberReferenceKey.allCases.filter { contains($0.rawValue) }
        guard let key = given.first else { throw .missingArgument("member") }
        guard given.count == 1 else {
            throw .badArgument("member", "give exactly one of member=, phone= or email=")
        }
        let text = try required(key.rawValue)
        switch key {
        case .member: return .number(try MemberNumber(parsing: text, argument: "member"))
        case .phone: return .phone(try PhoneNumber(parsing: text, defaultRegion: defaultRegion, argument: "phone"))
        case .email: return .email(try EmailAddress(parsing: text, argument: "email"))
        }
    }

    /// An optional receipt reference (`receipt=`).
    func receipt() throws(LoyaltyError) -> String? {
        guard let text = values["receipt"] else { return nil }
        return try Identifier.parse(text, argument: "receipt")
    }

    /// An optional flag written `0`/`1`, `true`/`false` or `yes`/`no` (any case).
    func flag(_ key: String) throws(LoyaltyError) -> Bool? {
        guard let text = values[key] else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw .badArgument(key, "expected 0 or 1")
        }
    }

    /// An optional whole number in `range`, written as plain digits.
    func integer(_ key: String, in range: ClosedRange<Int64>, expected: String) throws(LoyaltyError) -> Int64? {
        guard let text = values[key] else { return nil }
        guard text.utf8.count <= 19, text.utf8.allSatisfy(ASCII.isDigit), let value = Int64(text), range.contains(value)
        else {
            throw .badArgument(key, expected)
        }
        return value
    }

    /// An amount with its currency, when `amount=` or `currency=` is given: both are then required.
    func money() throws(LoyaltyError) -> Money? {
        guard contains("amount") || contains("currency") else { return nil }
        let amount = try required("amount")
        let currency = try Currency(code: required("currency"))
        return try Money(parsing: amount, currency: currency, argument: "amount")
    }

    /// Either `points=N` or `amount=DEC currency=ISO`, or nil when neither is given.
    /// - Throws: `BAD_ARGUMENT` for both, or for `currency=` beside `points=`; `MISSING_ARGUMENT` for
    ///   an amount without a currency or the other way round.
    func pointsOrMoney() throws(LoyaltyError) -> PointsOrMoney? {
        guard contains("points") else { return try money().map(PointsOrMoney.money) }
        guard !contains("amount") else {
            throw .badArgument("points", "give either amount= and currency= or points=, not both")
        }
        guard !contains("currency") else { throw .badArgument("currency", "only allowed with amount=") }
        return .points(try PointsQuantity.parse(required("points")))
    }
}

/// What `pointsOrMoney()` read.
enum PointsOrMoney {
    case points(Int64)
    case money(Money)
}

/// The argument keys that name a member.
enum MemberReferenceKey: String, CaseIterable {
    case member, phone, email
}

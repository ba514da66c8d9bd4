import LoyaltyCore

extension RequestParser {
    /// The longest terminal secret, in characters.
    static let maximumSecretLength = 128
    /// The longest first or last name, in characters.
    static let maximumNameLength = 100

    /// `AUTH terminal=NAME secret=SECRET [store=STORE]`
    func auth(_ line: TokenizedLine) throws(LoyaltyError) -> Request {
        let arguments = try RequestArguments(line, allowed: ["terminal", "secret", "store"])
        let terminal = try Identifier.parse(arguments.required("terminal"), argument: "terminal")
        let secret = try arguments.required("secret")
        guard secret.count <= Self.maximumSecretLength,
            secret.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control })
        else {
            throw .badArgument("secret", "1 to \(Self.maximumSecretLength) printable characters")
        }
        let store = try arguments["store"].map { value throws(LoyaltyError) in try Identifier.parse(value, argument: "store") }
        return .auth(terminal: terminal, secret: secret, store: store)
    }

    /// The arguments of a verb that names one member: `member=`, `phone=` or `email=` and `extraKeys`.
    func memberArguments(_ line: TokenizedLine, extraKeys: Set<String>) throws(LoyaltyError) -> RequestArguments {
        try RequestArguments(line, allowed: Set(MemberReferenceKey.allCases.map(\.rawValue)).union(extraKeys))
    }

    /// `MEMBER <member>` and `BALANCE <member>`: the member named.
    func memberOnly(_ line: TokenizedLine) throws(LoyaltyError) -> MemberReference {
        try memberArguments(line, extraKeys: []).memberReference(defaultRegion: defaultRegion)
    }

    /// `HISTORY <member> [limit=N]`
    func history(_ line: TokenizedLine) throws(LoyaltyError) -> Request {
        let arguments = try memberArguments(line, extraKeys: ["limit"])
        let reference = try arguments.memberReference(defaultRegion: defaultRegion)
        let limit = try arguments.integer("limit", in: 1...100, expected: "a whole number from 1 to 100") ?? 10
        return .history(reference, limit: Int(limit))
    }

    /// `ENROLL req=ID first_name=… last_name=… [email=…] [phone=…] [birth_date=…] [consent_email=…] [consent_sms=…]`
    func enroll(_ line: TokenizedLine) throws(LoyaltyError) -> EnrollRequest {
        let arguments = try RequestArguments(
            line,
            allowed: ["req", "first_name", "last_name", "email", "phone", "birth_date", "consent_email", "consent_sms"])
        let requestID = try arguments.requestID()
        let firstName = try name(arguments.required("first_name"), field: "first_name")
        let lastName = try name(arguments.required("last_name"), field: "last_name")
        var request = EnrollRequest(requestID: requestID, firstName: firstName, lastName: lastName)
        if let email = arguments["email"] {
            request.email = try EmailAddress(parsing: email, argument: "email")
        }
        if let phone = arguments["phone"] {
            request.phone = try PhoneNumber(parsing: phone, defaultRegion: defaultRegion, argument: "phone")
        }
        if let birthDate = arguments["birth_date"] {
            request.birthDate = try CalendarDate(parsing: birthDate, argument: "birth_date")
        }
        request.emailConsent = try arguments.flag("consent_email") ?? false
        request.smsConsent = try arguments.flag("consent_sms") ?? false
        return request
    }

    private func name(_ text: String, field: String) throws(LoyaltyError) -> String {
        let name = try FieldRules.text(text, field: field, maximumLength: Self.maximumNameLength)
        guard !name.isEmpty else { throw .badArgument(field, "must not be empty") }
        return name
    }
}

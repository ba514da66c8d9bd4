/// Turns the records of a member import file into validated rows, or into problems to report. Pure: one
/// parser serves a whole file.
///
/// Every cell is trimmed of surrounding spaces, tabs and line breaks; a leading `'` before `=`, `+`, `-` or
/// `@` (the guard an export puts before cells a spreadsheet would run as a formula) is dropped. An empty
/// cell gives no value. Values are checked with the member field rules (``EmailAddress``, ``PhoneNumber``
/// in the programme's default region, ``CalendarDate``, ``FieldRules``, ``Identifier``); the first problem
/// found is reported, checking the record itself, its column count, the fields in the order of
/// ``MemberImportField/allCases``, and last the match key, which every row must give.
public struct MemberImportParser: Sendable {
    public let columns: MemberImportColumns
    public let key: MemberImportKey
    public let defaultRegion: PhoneNumber.Region

    /// Consent cells: these mean yes, and their opposites no (any case).
    static let yes: Set<String> = ["yes", "true", "1"]
    static let no: Set<String> = ["no", "false", "0"]

    public init(columns: MemberImportColumns, key: MemberImportKey, defaultRegion: PhoneNumber.Region) {
        self.columns = columns
        self.key = key
        self.defaultRegion = defaultRegion
    }

    /// A parser for a file with this header.
    /// - Throws: `BAD_ARGUMENT` when the header cannot be mapped or has no column for the match key.
    public init(mapping: MemberImportMapping, header: CSVRecord, key: MemberImportKey, defaultRegion: PhoneNumber.Region)
        throws(LoyaltyError)
    {
        let columns = try mapping.resolve(header: header)
        guard columns.indices[key.field] != nil else {
            throw .badArgument("header", "no \(key.field) column to match members by (--match \(key)); map one with --map \(key.field)=Column")
        }
        self.init(columns: columns, key: key, defaultRegion: defaultRegion)
    }

    /// The row in `record`, or why it is refused.
    public func parse(_ record: CSVRecord) -> Result<MemberImportRow, MemberImportProblem> {
        do {
            return .success(try row(from: record))
        } catch {
            return .failure(MemberImportProblem(line: record.line, reason: error.message))
        }
    }

    private func row(from record: CSVRecord) throws(LoyaltyError) -> MemberImportRow {
        if let problem = record.problem { throw LoyaltyError(.badArgument, problem) }
        if (0..<record.count).allSatisfy({ PurchaseLineParser.trimmed(record[$0]).isEmpty }) {
            throw LoyaltyError(.badArgument, "empty row")
        }
        if record.count != columns.headerCount {
            let what = record.count < columns.headerCount ? "missing columns" : "too many columns"
            throw LoyaltyError(.badArgument, "\(what) (\(record.count) of \(columns.headerCount))")
        }
        var row = MemberImportRow(line: record.line)
        let region = defaultRegion
        row.firstName = try text(record, .firstName) { value throws(LoyaltyError) in try FieldRules.text(value, field: "first-name") }
        row.lastName = try text(record, .lastName) { value throws(LoyaltyError) in try FieldRules.text(value, field: "last-name") }
        row.email = try text(record, .email) { value throws(LoyaltyError) in try EmailAddress(parsing: value) }
        row.phone = try text(record, .phone) { value throws(LoyaltyError) in try PhoneNumber(parsing: value, defaultRegion: region) }
        row.birthDate = try text(record, .birthDate) { value throws(LoyaltyError) in try CalendarDate(parsing: value, argument: "birth-date") }
        row.addressLine1 = try text(record, .addressLine1) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "address-line1", maximumLength: 200)
        }
        row.addressLine2 = try text(record, .addressLine2) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "address-line2", maximumLength: 200)
        }
        row.postalCode = try text(record, .postalCode) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "postal-code", maximumLength: 20)
        }
        row.city = try text(record, .city) { value throws(LoyaltyError) in try FieldRules.text(value, field: "city") }
        row.country = try text(record, .country) { value throws(LoyaltyError) in try FieldRules.country(value) }
        row.preferredStore = try text(record, .preferredStore) { value throws(LoyaltyError) in
            try Identifier.parse(value, argument: "preferred-store")
        }
        row.sourceChannel = try text(record, .sourceChannel) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "source-channel", maximumLength: 64)
        }
        row.sourceCampaign = try text(record, .sourceCampaign) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "source-campaign")
        }
        row.externalID = try text(record, .externalID) { value throws(LoyaltyError) in
            try FieldRules.text(value, field: "external-id", maximumLength: 100)
        }
        row.emailConsent = try text(record, .emailConsent) { value throws(LoyaltyError) in try Self.consent(value, field: .emailConsent) }
        row.smsConsent = try text(record, .smsConsent) { value throws(LoyaltyError) in try Self.consent(value, field: .smsConsent) }
        row.tags = try text(record, .tags) { value throws(LoyaltyError) in try Self.tags(value) }.flatMap { $0.isEmpty ? nil : $0 }
        guard row.value(of: key) != nil else { throw .badArgument(key.field.rawValue, "empty (it is the match key)") }
        return row
    }

    /// The field's cell as text, validated by `parse`; nil when the file has no such column or the cell is empty.
    private func text<Value>(
        _ record: CSVRecord, _ field: MemberImportField, _ parse: (String) throws(LoyaltyError) -> Value
    ) throws(LoyaltyError) -> Value? {
        guard let index = columns.indices[field] else { return nil }
        let bytes = PurchaseLineParser.trimmed(record[index])
        guard !bytes.isEmpty else { return nil }
        guard let raw = CSVRecord.string(validating: bytes) else { throw .badArgument(field.rawValue, "not UTF-8") }
        let value = Self.withoutFormulaGuard(raw)
        guard !value.isEmpty else { return nil }
        return try parse(value)
    }

    /// `'=x` → `=x`: undoes the quote a CSV export puts before cells that start like a formula.
    static func withoutFormulaGuard(_ text: String) -> String {
        guard text.hasPrefix("'"), let second = text.dropFirst().first, "=+-@".contains(second) else { return text }
        return String(text.dropFirst())
    }

    /// `yes`, `true`, `1` or `no`, `false`, `0`, in any case.
    static func consent(_ text: String, field: MemberImportField) throws(LoyaltyError) -> Bool {
        let lower = text.lowercased()
        if yes.contains(lower) { return true }
        if no.contains(lower) { return false }
        throw .badArgument(field.rawValue, "expected yes, no, true, false, 1 or 0")
    }

    /// Tags separated by `;`, `,` or spaces, each checked by ``FieldRules/tag(_:)``; without duplicates, sorted.
    static func tags(_ text: String) throws(LoyaltyError) -> [String] {
        var tags: Set<String> = []
        for piece in text.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " || $0 == "\t" }) {
            do {
                tags.insert(try FieldRules.tag(piece))
            } catch {
                throw .badArgument("tags", "each tag 1 to 40 letters, digits, '-', '_' or '.'")
            }
        }
        return tags.sorted()
    }
}

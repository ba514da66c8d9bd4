import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("MemberImportParser")
struct MemberImportParserTests {
    static let germany: PhoneNumber.Region = {
        do { return try PhoneNumber.Region(code: "DE") } catch { fatalError("DE is a region: \(error)") }
    }()

    /// A parser for a file with these header names.
    func parser(_ header: [String], map: String? = nil, key: MemberImportKey = .email) throws(LoyaltyError) -> MemberImportParser {
        try MemberImportParser(
            mapping: try MemberImportMapping(map: map), header: CSVRecord(line: 1, strings: header), key: key, defaultRegion: Self.germany)
    }

    func parse(_ parser: MemberImportParser, _ cells: [String], line: Int = 2) -> Result<MemberImportRow, MemberImportProblem> {
        parser.parse(CSVRecord(line: line, strings: cells))
    }

    func reason(_ parser: MemberImportParser, _ cells: [String]) -> String? {
        if case .failure(let problem) = parse(parser, cells) { return problem.reason }
        return nil
    }

    @Test("default mapping by header names: field names in any spelling, common aliases; other columns ignored")
    func defaultMapping() throws {
        let header = [
            "member", "First Name", "last_name", "E-Mail", "mobile", "DOB", "address_line1", "Address Line2", "ZIP", "Town",
            "country", "store", "source_channel", "campaign", "customer id", "Email Consent", "sms_optin", "tags", "points",
        ]
        let columns = try MemberImportMapping().resolve(header: CSVRecord(line: 1, strings: header))
        #expect(columns.headerCount == header.count)
        #expect(
            columns.indices == [
                .firstName: 1, .lastName: 2, .email: 3, .phone: 4, .birthDate: 5, .addressLine1: 6, .addressLine2: 7,
                .postalCode: 8, .city: 9, .country: 10, .preferredStore: 11, .sourceChannel: 12, .sourceCampaign: 13,
                .externalID: 14, .emailConsent: 15, .smsConsent: 16, .tags: 17,
            ])
        #expect(MemberImportField.allCases.count == 17)
    }

    @Test("--map names columns exactly (ignoring case) and wins over the default names")
    func explicitMapping() throws {
        let header = ["Vorname", "Nachname", "email", "Kontakt"]
        let columns = try MemberImportMapping(map: "first-name=vorname, last-name=Nachname,email=Kontakt")
            .resolve(header: CSVRecord(line: 1, strings: header))
        // The `email` column is no longer the email: `Kontakt` is, and `email` is left unmapped.
        #expect(columns.indices == [.firstName: 0, .lastName: 1, .email: 3])
    }

    @Test("bad --map and headers are refused with BAD_ARGUMENT")
    func badMapping() throws {
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "") }
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "email") }
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "nickname=Nick") }
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "email=") }
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "email=A,email=B") }
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportMapping(map: "email=A,phone=a") }
        let missing = expectError(.badArgument) { () throws(LoyaltyError) in try self.parser(["email"], map: "first-name=Vorname") }
        #expect(missing?.message.contains("no column 'Vorname'") == true)
        let ambiguous = expectError(.badArgument) { () throws(LoyaltyError) in try self.parser(["email", "mail"]) }
        #expect(ambiguous?.message.contains("both give email") == true, "\(String(describing: ambiguous))")
        expectError(.badArgument) { () throws(LoyaltyError) in try self.parser(["id", "name"]) }
        let noKey = expectError(.badArgument) { () throws(LoyaltyError) in try self.parser(["email", "first_name"], key: .phone) }
        #expect(noKey?.message.contains("no phone column") == true)
        expectError(.badArgument) { () throws(LoyaltyError) in try MemberImportKey(parsing: "number") }
        #expect(try MemberImportKey(parsing: "External-ID") == .externalID)
    }

    @Test("a full row: every field validated and normalised")
    func fullRow() throws {
        let parser = try parser(MemberImportField.allCases.map(\.rawValue))
        let row = try parse(
            parser,
            [
                " Ada ", "Lovelace", "Ada@Example.COM", "0151 1234 5678", "1815-12-10", "12 Analytical St", "Flat 2", "10115",
                "Berlin", "de", "berlin-01", "web", "spring", "C-42", "Yes", "0", "vip; Newsletter,vip",
            ]
        ).get()
        #expect(row.line == 2)
        #expect(row.firstName == "Ada" && row.lastName == "Lovelace")
        #expect(row.email?.value == "ada@example.com" && row.phone?.e164 == "+4915112345678")
        #expect(row.birthDate == (try CalendarDate(year: 1815, month: 12, day: 10)))
        #expect(row.addressLine1 == "12 Analytical St" && row.addressLine2 == "Flat 2" && row.postalCode == "10115")
        #expect(row.city == "Berlin" && row.country == "DE" && row.preferredStore == "berlin-01")
        #expect(row.sourceChannel == "web" && row.sourceCampaign == "spring" && row.externalID == "C-42")
        #expect(row.emailConsent == true && row.smsConsent == false)
        #expect(row.tags == ["newsletter", "vip"])
        #expect(row.value(of: .email) == "ada@example.com" && row.value(of: .phone) == "+4915112345678")
        #expect(row.value(of: .externalID) == "C-42")
    }

    @Test("empty cells give no value (an update keeps the member's); the match key must be given")
    func emptyCells() throws {
        let parser = try parser(["email", "first_name", "phone", "email_consent", "tags"])
        let row = try parse(parser, ["a@example.com", "", "  ", "", ";"]).get()
        #expect(row.firstName == nil && row.phone == nil && row.emailConsent == nil && row.tags == nil)
        #expect(reason(parser, ["", "Ada", "", "", ""]) == "email: empty (it is the match key)")
        let byPhone = try self.parser(["email", "phone"], key: .phone)
        #expect(reason(byPhone, ["a@example.com", ""]) == "phone: empty (it is the match key)")
    }

    @Test("consent: yes/no/true/false/1/0 in any case; anything else is refused", arguments: [
        ("yes", true), ("YES", true), ("true", true), ("True", true), ("1", true),
        ("no", false), ("No", false), ("false", false), ("FALSE", false), ("0", false),
    ])
    func consent(text: String, granted: Bool) throws {
        let parser = try parser(["email", "email_consent", "sms_consent"])
        let row = try parse(parser, ["a@example.com", text, text]).get()
        #expect(row.emailConsent == granted && row.smsConsent == granted)
    }

    @Test("bad consent values", arguments: ["y", "n", "2", "oui", "ja", "-1"])
    func badConsent(text: String) throws {
        let parser = try parser(["email", "sms_consent"])
        #expect(reason(parser, ["a@example.com", text]) == "sms-consent: expected yes, no, true, false, 1 or 0")
    }

    @Test("each field's validation gives the field's name and the rule, never the value", arguments: [
        ("email", "not-an-email", "email: not an email address"),
        ("phone", "call me", "phone: not a phone number"),
        ("phone", "12", "phone: not a phone number (7 to 15 digits with country code expected)"),
        ("birth_date", "10.12.1815", "birth-date: expected a date as YYYY-MM-DD"),
        ("birth_date", "1815-02-30", "birth-date: no such date"),
        ("first_name", String(repeating: "x", count: 101), "first-name: at most 100 characters"),
        ("last_name", "Love\u{7}lace", "last-name: contains control characters"),
        ("address_line1", String(repeating: "x", count: 201), "address-line1: at most 200 characters"),
        ("postal_code", String(repeating: "1", count: 21), "postal-code: at most 20 characters"),
        ("country", "Germany", "country: a two-letter ISO 3166 country code expected"),
        ("preferred_store", "berlin 01", "preferred-store: 1 to 64 characters of A-Z a-z 0-9 - _ . : / #"),
        ("source_channel", String(repeating: "w", count: 65), "source-channel: at most 64 characters"),
        ("external_id", String(repeating: "9", count: 101), "external-id: at most 100 characters"),
        ("tags", "vip, not ok!", "tags: each tag 1 to 40 letters, digits, '-', '_' or '.'"),
    ])
    func fieldRules(column: String, value: String, expected: String) throws {
        // Field problems come before the match key's: the email column is the key here.
        let parser = try column == "email" ? parser(["email"]) : parser(["email", column])
        #expect(reason(parser, column == "email" ? [value] : ["a@example.com", value]) == expected)
    }

    @Test("row shape: malformed records, empty rows, missing and extra columns, bad UTF-8")
    func rowShape() throws {
        let parser = try parser(["email", "first_name"])
        #expect(parser.parse(CSVRecord(line: 3, fields: [], problem: "unterminated quoted field")) == .failure(.init(line: 3, reason: "unterminated quoted field")))
        #expect(reason(parser, [" ", ""]) == "empty row")
        #expect(reason(parser, ["a@example.com"]) == "missing columns (1 of 2)")
        #expect(reason(parser, ["a@example.com", "Ada", "x"]) == "too many columns (3 of 2)")
        let bad = parser.parse(CSVRecord(line: 4, fields: [Array("a@example.com".utf8), [0x41, 0xFF]]))
        #expect(bad == .failure(.init(line: 4, reason: "first-name: not UTF-8")))
    }

    @Test("the quote an export puts before formula-like cells is dropped")
    func formulaGuard() throws {
        let parser = try parser(["email", "first_name", "last_name"])
        let row = try parse(parser, ["'+ada@example.com", "'=Ada", "'O'Brien"]).get()
        #expect(row.email?.value == "+ada@example.com" && row.firstName == "=Ada" && row.lastName == "'O'Brien")
    }
}

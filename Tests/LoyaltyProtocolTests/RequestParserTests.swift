import LoyaltyCore
import LoyaltyProtocol
import NIOCore
import LoyaltyTestSupport
import Testing

@Suite("RequestParser")
struct RequestParserTests {
    static let germany = try! PhoneNumber.Region(code: "DE")
    let parser = RequestParser(defaultRegion: germany)

    static let anna = try! MemberNumber(parsing: "0000000018")
    static let annaPhone = try! PhoneNumber(parsing: "+4915112345678", defaultRegion: germany)
    static let eur = try! Currency(code: "EUR")
    static let jpy = try! Currency(code: "JPY")

    private func parse(_ line: String) throws(LoyaltyError) -> Request {
        try parser.parse(line)
    }

    private static func req(_ text: String) -> RequestID { try! RequestID(parsing: text) }

    // MARK: - Valid requests

    @Test(
        "parses the verbs without arguments, in any case",
        arguments: [("PING", Request.ping), ("ping", .ping), ("Help", .help), ("QUIT", .quit), ("  quit \t", .quit)])
    func simpleVerbs(line: String, request: Request) throws {
        #expect(try parse(line) == request)
    }

    @Test("parses a ByteBuffer the same as a String")
    func byteBuffer() throws {
        let line = "EARN req=1 member=0000000018 amount=25.00 currency=EUR"
        #expect(try parser.parse(ByteBuffer(string: line)) == parse(line))
        var sliced = ByteBuffer(string: "xxPINGyy")
        sliced.moveReaderIndex(forwardBy: 2)
        sliced.moveWriterIndex(to: 6)
        #expect(try parser.parse(sliced) == .ping)
    }

    @Test("parses AUTH")
    func auth() throws {
        #expect(try parse("AUTH terminal=POS-1 secret=s3cret") == .auth(terminal: "POS-1", secret: "s3cret"))
        #expect(try parse(#"auth secret="with space \"and\" quotes" terminal=till/7"#)
            == .auth(terminal: "till/7", secret: #"with space "and" quotes"#))
        #expect(try parse("AUTH terminal=T secret=\(String(repeating: "s", count: 128))") != .ping)
    }

    @Test(
        "parses member references",
        arguments: [
            ("MEMBER member=0000000018", Request.member(.number(anna))),
            ("MEMBER member=\"000 000 001-8\"", .member(.number(anna))),
            ("BALANCE phone=\"0151 1234 5678\"", .balance(.phone(annaPhone))),
            ("BALANCE phone=+4915112345678", .balance(.phone(annaPhone))),
            ("BALANCE email=Anna@Example.COM", .balance(.email(try! EmailAddress(parsing: "anna@example.com")))),
            ("HISTORY member=0000000018", .history(.number(anna), limit: 10)),
            ("HISTORY limit=1 member=0000000018", .history(.number(anna), limit: 1)),
            ("HISTORY member=0000000018 limit=100", .history(.number(anna), limit: 100)),
        ])
    func memberReferences(line: String, request: Request) throws {
        #expect(try parse(line) == request)
    }

    @Test("parses ENROLL with every argument")
    func enrollFull() throws {
        let request = try parse(
            #"ENROLL req=E-1 first_name=" Anna " last_name="von Berg" email=Anna@Example.com phone="0151 1234 5678" birth_date=1985-07-14 consent_email=1 consent_sms=no"#
        )
        var expected = EnrollRequest(requestID: Self.req("E-1"), firstName: "Anna", lastName: "von Berg")
        expected.email = try EmailAddress(parsing: "anna@example.com")
        expected.phone = Self.annaPhone
        expected.birthDate = try CalendarDate(parsing: "1985-07-14")
        expected.emailConsent = true
        expected.smsConsent = false
        #expect(request == .enroll(expected))
    }

    @Test("parses a minimal ENROLL with consent off")
    func enrollMinimal() throws {
        #expect(try parse("ENROLL req=E-2 first_name=Ana last_name=Li")
            == .enroll(EnrollRequest(requestID: Self.req("E-2"), firstName: "Ana", lastName: "Li")))
    }

    @Test("reads consent flags", arguments: [("1", true), ("true", true), ("YES", true), ("0", false), ("False", false), ("no", false)])
    func flags(text: String, value: Bool) throws {
        guard case .enroll(let request) = try parse("ENROLL req=1 first_name=A last_name=B consent_sms=\(text)") else {
            Issue.record("not an ENROLL")
            return
        }
        #expect(request.smsConsent == value)
    }

    @Test(
        "parses EARN",
        arguments: [
            ("EARN req=T1-1 member=0000000018 amount=25.00 currency=EUR",
             EarnRequest(requestID: req("T1-1"), member: .number(anna), basis: .purchase(Money(minorUnits: 2500, currency: eur)))),
            ("earn currency=eur amount=25.5 member=0000000018 req=T1-1 receipt=R#42",
             EarnRequest(requestID: req("T1-1"), member: .number(anna), basis: .purchase(Money(minorUnits: 2550, currency: eur)), receipt: "R#42")),
            ("EARN req=T1-1 phone=015112345678 amount=1500 currency=JPY",
             EarnRequest(requestID: req("T1-1"), member: .phone(annaPhone), basis: .purchase(Money(minorUnits: 1500, currency: jpy)))),
            ("EARN req=T1-1 member=0000000018 amount=0 currency=EUR",
             EarnRequest(requestID: req("T1-1"), member: .number(anna), basis: .purchase(Money(minorUnits: 0, currency: eur)))),
            ("EARN req=T1-1 member=0000000018 points=50",
             EarnRequest(requestID: req("T1-1"), member: .number(anna), basis: .points(50))),
        ])
    func earn(line: String, request: EarnRequest) throws {
        #expect(try parse(line) == .earn(request))
    }

    @Test("parses REDEEM")
    func redeem() throws {
        #expect(try parse("REDEEM req=R1 member=0000000018 points=200 receipt=B-7")
            == .redeem(RedeemRequest(requestID: Self.req("R1"), member: .number(Self.anna), points: 200, receipt: "B-7")))
    }

    @Test(
        "parses REVERSE",
        arguments: [
            ("REVERSE req=V1 of=T1-1", ReverseRequest(requestID: req("V1"), original: .request(req("T1-1")), extent: .full)),
            ("REVERSE req=V1 entry=981", ReverseRequest(requestID: req("V1"), original: .entry(981), extent: .full)),
            ("REVERSE req=V1 of=T1-1 amount=10 currency=EUR",
             ReverseRequest(requestID: req("V1"), original: .request(req("T1-1")), extent: .amount(Money(minorUnits: 1000, currency: eur)))),
            ("REVERSE req=V1 entry=9223372036854775807 points=5",
             ReverseRequest(requestID: req("V1"), original: .entry(Int64.max), extent: .points(5))),
        ])
    func reverse(line: String, request: ReverseRequest) throws {
        #expect(try parse(line) == .reverse(request))
    }

    @Test("parses REWARDS, CLAIM, VOUCHER and USE; a voucher code in any case, with or without dashes")
    func rewardVerbs() throws {
        #expect(try parse("REWARDS phone=\"0151 1234 5678\"") == .rewards(.phone(Self.annaPhone)))
        #expect(
            try parse("claim reward=tote-bag member=0000000018 req=C1")
                == .claim(ClaimRequest(requestID: Self.req("C1"), member: .number(Self.anna), reward: try RewardCode(parsing: "tote-bag"))))
        let code = try RedemptionCode(body: "ABCDEFGHJKMN")
        #expect(try parse("VOUCHER code=\(code.grouped)") == .voucher(code))
        #expect(try parse("VOUCHER code=\(code.canonical.lowercased())") == .voucher(code))
        #expect(
            try parse("USE req=U1 code=\"\(code.grouped.replacingOccurrences(of: "-", with: " "))\" receipt=R-9")
                == .use(UseRequest(requestID: Self.req("U1"), code: code, receipt: "R-9")))
    }

    @Test(
        "refuses bad reward requests with the argument's name",
        arguments: [
            ("REWARDS", "MISSING_ARGUMENT", "missing argument member"),
            ("REWARDS member=0000000018 reward=tote", "BAD_ARGUMENT", "unknown argument reward for REWARDS"),
            ("CLAIM member=0000000018 reward=tote", "MISSING_ARGUMENT", "missing argument req"),
            ("CLAIM req=1 member=0000000018", "MISSING_ARGUMENT", "missing argument reward"),
            ("CLAIM req=1 member=0000000018 reward=Tote", "BAD_ARGUMENT", "reward: a code of lower-case letters"),
            ("VOUCHER", "MISSING_ARGUMENT", "missing argument code"),
            ("VOUCHER code=ABCD-EFGH-JKMN-2", "BAD_ARGUMENT", "code: the code's check character is wrong"),
            ("VOUCHER code=ABCD-EFGH-JKMN", "BAD_ARGUMENT", "code: a code has 13 characters"),
            ("USE req=1 code=2222-2222-2222-2", "MISSING_ARGUMENT", "missing argument receipt"),
            ("USE req=1 code=2222-2222-2222-2 receipt=\"R 1\"", "BAD_ARGUMENT", "receipt:"),
            ("USE code=2222-2222-2222-2 receipt=R1", "MISSING_ARGUMENT", "missing argument req"),
        ])
    func rewardRefusals(line: String, code: String, message: String) {
        do {
            let request = try parse(line)
            Issue.record("\(line) parsed as \(request)")
        } catch {
            #expect(error.code.rawValue == code, "\(line): \(error)")
            #expect(error.message.hasPrefix(message), "\(line): \(error)")
        }
    }

    @Test("recognises blank lines")
    func blank() {
        #expect(RequestParser.isBlank(ByteBuffer()))
        #expect(RequestParser.isBlank(ByteBuffer(string: " \t ")))
        #expect(!RequestParser.isBlank(ByteBuffer(string: " PING")))
        #expect(RequestParser.isBlank(""))
        #expect(!RequestParser.isBlank("\u{0}"))
        expectError(.badRequest) { () throws(LoyaltyError) in try parse("  ") }
    }

    // MARK: - Errors

    @Test(
        "answers each mistake with its code",
        arguments: [
            // UNKNOWN_COMMAND
            ("FOO", LoyaltyError.Code.unknownCommand), ("DELETE member=0000000018", .unknownCommand), ("PINGPING", .unknownCommand),
            // BAD_REQUEST: the line itself is malformed
            ("EARN req=1 member", .badRequest), ("EARN req=1 req=2", .badRequest), ("P1NG", .badRequest),
            (#"AUTH terminal=T secret="abc"#, .badRequest),
            // Unknown keys and empty values
            ("PING x=1", .badArgument), ("QUIT now=1", .badArgument), ("HELP verb=EARN", .badArgument),
            ("MEMBER member=0000000018 limit=3", .badArgument), ("REVERSE req=1 of=x member=0000000018", .badArgument),
            ("EARN req=1 member=0000000018 points=", .badArgument), (#"AUTH terminal=T secret="""#, .badArgument),
            // AUTH
            ("AUTH terminal=T", .missingArgument), ("AUTH secret=x", .missingArgument), ("AUTH terminal=\"a b\" secret=x", .badArgument),
            ("AUTH terminal=T secret=\(String(repeating: "s", count: 129))", .badArgument), (#"AUTH terminal=T secret="a\nb""#, .badArgument),
            // Member references
            ("MEMBER", .missingArgument), ("BALANCE member=0000000019", .badArgument), ("BALANCE member=12345", .badArgument),
            ("BALANCE phone=CALLME", .badArgument), ("BALANCE email=anna", .badArgument),
            ("BALANCE member=0000000018 phone=015112345678", .badArgument), ("HISTORY", .missingArgument),
            ("HISTORY member=0000000018 limit=0", .badArgument), ("HISTORY member=0000000018 limit=101", .badArgument),
            ("HISTORY member=0000000018 limit=-1", .badArgument), ("HISTORY member=0000000018 limit=1.5", .badArgument),
            ("HISTORY member=0000000018 limit=99999999999999999999", .badArgument),
            // ENROLL
            ("ENROLL first_name=A last_name=B", .missingArgument), ("ENROLL req=1 last_name=B", .missingArgument),
            ("ENROLL req=1 first_name=A", .missingArgument), (#"ENROLL req=1 first_name=" " last_name=B"#, .badArgument),
            ("ENROLL req=1 first_name=\(String(repeating: "a", count: 101)) last_name=B", .badArgument),
            (#"ENROLL req=1 first_name="A\tB" last_name=B"#, .badArgument), ("ENROLL req=1 first_name=A last_name=B email=x", .badArgument),
            ("ENROLL req=1 first_name=A last_name=B phone=x", .badArgument),
            ("ENROLL req=1 first_name=A last_name=B birth_date=1985-02-30", .badArgument),
            ("ENROLL req=1 first_name=A last_name=B consent_email=2", .badArgument),
            ("ENROLL req=1 first_name=A last_name=B member=0000000018", .badArgument),
            ("ENROLL req=a/b first_name=A last_name=B", .badArgument),
            // EARN
            ("EARN member=0000000018 amount=1 currency=EUR", .missingArgument), ("EARN req=1 amount=1 currency=EUR", .missingArgument),
            ("EARN req=1 member=0000000018", .missingArgument), ("EARN req=1 member=0000000018 amount=1", .missingArgument),
            ("EARN req=1 member=0000000018 currency=EUR", .missingArgument),
            ("EARN req=1 member=0000000018 amount=1 currency=EUR points=1", .badArgument),
            ("EARN req=1 member=0000000018 points=1 currency=EUR", .badArgument),
            ("EARN req=1 member=0000000018 amount=-1 currency=EUR", .badArgument),
            ("EARN req=1 member=0000000018 amount=1.001 currency=EUR", .badArgument),
            ("EARN req=1 member=0000000018 amount=1.5 currency=JPY", .badArgument),
            ("EARN req=1 member=0000000018 amount=1e9 currency=EUR", .badArgument),
            ("EARN req=1 member=0000000018 amount=99999999999999999999 currency=EUR", .badArgument),
            ("EARN req=1 member=0000000018 amount=1 currency=XYZ", .badArgument),
            ("EARN req=1 member=0000000018 points=0", .badArgument), ("EARN req=1 member=0000000018 points=-5", .badArgument),
            ("EARN req=1 member=0000000018 points=1.5", .badArgument), ("EARN req=1 member=0000000018 points=1000000001", .badArgument),
            ("EARN req=1 member=0000000018 points=1 receipt=\"a b\"", .badArgument),
            ("EARN req=\(String(repeating: "r", count: 65)) member=0000000018 points=1", .badArgument),
            ("EARN req=1 member=0000000018 points=1 foo=bar", .badArgument),
            // REDEEM
            ("REDEEM req=1 member=0000000018", .missingArgument), ("REDEEM req=1 points=5", .missingArgument),
            ("REDEEM member=0000000018 points=5", .missingArgument), ("REDEEM req=1 member=0000000018 points=0", .badArgument),
            ("REDEEM req=1 member=0000000018 points=5 amount=1 currency=EUR", .badArgument),
            // REVERSE
            ("REVERSE of=T1", .missingArgument), ("REVERSE req=1", .missingArgument), ("REVERSE req=1 of=T1 entry=5", .badArgument),
            ("REVERSE req=1 entry=0", .badArgument), ("REVERSE req=1 entry=-3", .badArgument), ("REVERSE req=1 entry=abc", .badArgument),
            ("REVERSE req=1 entry=9223372036854775808", .badArgument), ("REVERSE req=1 of=a/b", .badArgument),
            ("REVERSE req=1 of=T1 amount=5", .missingArgument), ("REVERSE req=1 of=T1 currency=EUR", .missingArgument),
            ("REVERSE req=1 of=T1 amount=0 currency=EUR", .badArgument), ("REVERSE req=1 of=T1 points=0", .badArgument),
            ("REVERSE req=1 of=T1 amount=1 currency=EUR points=1", .badArgument),
        ])
    func errors(line: String, code: LoyaltyError.Code) {
        expectError(code) { () throws(LoyaltyError) in try parse(line) }
    }

    @Test(
        "names the problem in the message",
        arguments: [
            ("EARN req=1 member=0000000018 points=1 foo=bar", "unknown argument foo for EARN"),
            ("PING X=1", "unknown argument x for PING"),
            ("EARN req=1 member=0000000018 amount=1", "missing argument currency"),
            ("EARN req=1 member=0000000018 currency=EUR", "missing argument amount"),
            ("EARN req=1 member=0000000018", "missing argument amount"),
            ("EARN req=1 points=1", "missing argument member"),
            ("REDEEM member=0000000018 points=1", "missing argument req"),
            ("REVERSE req=1", "missing argument of"),
            ("AUTH terminal=T", "missing argument secret"),
            ("FROB", "unknown command FROB"),
        ])
    func messages(line: String, message: String) {
        do {
            let request = try parse(line)
            Issue.record("parsed as \(request)")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("quotes at most about 32 characters of an unknown command")
    func longUnknownCommand() {
        let error = expectError(.unknownCommand) { () throws(LoyaltyError) in try parse(String(repeating: "X", count: 8000)) }
        #expect((error?.message.count ?? 0) <= 60)
    }
}

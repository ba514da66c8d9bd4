import LoyaltyCore
import LoyaltyProtocol
import LoyaltyTestSupport
import Testing

/// The `GIFT` verbs of RequestParser (RequestParser+GiftCards.swift): every verb, every refusal.
@Suite("RequestParser: GIFT")
struct GiftCardParserTests {
    static let parser = RequestParser(defaultRegion: try! PhoneNumber.Region(code: "DE"))
    static let code = try! GiftCardCode(parsing: "ABCD-EFGH-JKMN-PQRU")
    static let eur = try! Currency(code: "EUR")
    static let jpy = try! Currency(code: "JPY")
    static let pin = try! GiftCardPIN(parsing: "1234")

    private static func parse(_ line: String) throws(LoyaltyError) -> Request {
        try parser.parse(line)
    }

    private static func req(_ text: String) -> RequestID { try! RequestID(parsing: text) }
    private static func euros(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: eur) }

    private static func gift(_ id: String, pin: GiftCardPIN? = nil, _ action: GiftCardOperation) -> Request {
        .gift(GiftCardRequest(requestID: req(id), code: code, pin: pin, action: action))
    }

    @Test(
        "parses every GIFT verb",
        arguments: [
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU", Request.giftBalance(GiftBalanceRequest(code: code))),
            ("gift balance code=abcdefghjkmnpqru pin=1234", .giftBalance(GiftBalanceRequest(code: code, pin: pin))),
            ("Gift Balance code=\"ABCD EFGH JKMN PQRU\"", .giftBalance(GiftBalanceRequest(code: code))),
            ("GIFT ACTIVATE req=a1 code=ABCD-EFGH-JKMN-PQRU", gift("a1", .activate(amount: nil, member: nil, receipt: nil))),
            (
                "GIFT ACTIVATE req=a1 code=ABCD-EFGH-JKMN-PQRU amount=25 currency=eur member=0000000018 receipt=R-1",
                gift("a1", .activate(amount: euros(2500), member: .number(try! MemberNumber(parsing: "0000000018")), receipt: "R-1"))
            ),
            (
                "GIFT ACTIVATE req=a1 code=ABCD-EFGH-JKMN-PQRU phone=015112345678",
                gift(
                    "a1",
                    .activate(
                        amount: nil, member: .phone(try! PhoneNumber(parsing: "+4915112345678", defaultRegion: parser.defaultRegion)),
                        receipt: nil))
            ),
            ("GIFT LOAD req=l1 code=ABCD-EFGH-JKMN-PQRU amount=10.5 currency=EUR", gift("l1", .load(euros(1050), receipt: nil))),
            (
                "GIFT REDEEM req=r1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=30.00 currency=EUR partial=1 receipt=R-2",
                gift("r1", pin: pin, .redeem(euros(3000), partial: true, receipt: "R-2"))
            ),
            (
                "GIFT REDEEM req=r1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR",
                gift("r1", .redeem(euros(3000), partial: false, receipt: nil))
            ),
            (
                "GIFT REDEEM req=r1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR partial=no",
                gift("r1", .redeem(euros(3000), partial: false, receipt: nil))
            ),
            ("GIFT REFUND req=f1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR receipt=R-3", gift("f1", .refund(euros(500), receipt: "R-3"))),
            (
                "GIFT HOLD req=h1 code=ABCD-EFGH-JKMN-PQRU pin=12345678 amount=40 currency=EUR partial=true",
                gift("h1", pin: try! GiftCardPIN(parsing: "12345678"), .hold(euros(4000), partial: true, receipt: nil))
            ),
            ("GIFT CAPTURE req=c1 code=ABCD-EFGH-JKMN-PQRU hold=17", gift("c1", .capture(hold: 17, amount: nil, receipt: nil))),
            (
                "GIFT CAPTURE req=c1 code=ABCD-EFGH-JKMN-PQRU hold=17 amount=3 currency=EUR receipt=R-4",
                gift("c1", .capture(hold: 17, amount: euros(300), receipt: "R-4"))
            ),
            ("GIFT RELEASE req=x1 code=ABCD-EFGH-JKMN-PQRU hold=17", gift("x1", .release(hold: 17))),
            ("\tgift\t release  hold=17 code=ABCD-EFGH-JKMN-PQRU req=x1 ", gift("x1", .release(hold: 17))),
        ])
    func verbs(line: String, request: Request) throws {
        #expect(try Self.parse(line) == request)
    }

    @Test("names the verb as GIFT and its sub-verb")
    func verbNames() throws {
        #expect(try Self.parse("gift redeem req=r1 code=2222-2222-2222-2222 amount=1 currency=EUR").verb == "GIFT REDEEM")
        #expect(try Self.parse("GIFT BALANCE code=2222-2222-2222-2222").verb == "GIFT BALANCE")
        #expect(try Self.parse("GIFT RELEASE req=1 code=2222-2222-2222-2222 hold=1").verb == "GIFT RELEASE")
    }

    @Test(
        "refuses GIFT alone or with an unknown sub-verb, listing the sub-verbs",
        arguments: ["GIFT", "gift", "GIFT code=2222-2222-2222-2222", "GIFT SPEND req=1", "GIFT REDEEMX"])
    func unknownSubVerb(line: String) {
        let error = expectError(.unknownCommand) { () throws(LoyaltyError) in try Self.parse(line) }
        #expect(error?.message.contains("BALANCE, ACTIVATE, LOAD, REDEEM, REFUND, HOLD, CAPTURE, RELEASE") == true, "\(line)")
    }

    @Test(
        "refuses malformed GIFT requests with the argument's name",
        arguments: [
            // Missing arguments
            ("GIFT BALANCE", "MISSING_ARGUMENT", "missing argument code"),
            ("GIFT BALANCE pin=1234", "MISSING_ARGUMENT", "missing argument code"),
            ("GIFT ACTIVATE code=ABCD-EFGH-JKMN-PQRU", "MISSING_ARGUMENT", "missing argument req"),
            ("GIFT ACTIVATE req=1", "MISSING_ARGUMENT", "missing argument code"),
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU amount=5", "MISSING_ARGUMENT", "missing argument currency"),
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU currency=EUR", "MISSING_ARGUMENT", "missing argument amount"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU", "MISSING_ARGUMENT", "missing argument amount"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5", "MISSING_ARGUMENT", "missing argument currency"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234", "MISSING_ARGUMENT", "missing argument amount"),
            ("GIFT REDEEM code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR", "MISSING_ARGUMENT", "missing argument req"),
            ("GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU currency=EUR", "MISSING_ARGUMENT", "missing argument amount"),
            ("GIFT HOLD req=1 amount=5 currency=EUR", "MISSING_ARGUMENT", "missing argument code"),
            ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU", "MISSING_ARGUMENT", "missing argument hold"),
            ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=3 amount=1", "MISSING_ARGUMENT", "missing argument currency"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU", "MISSING_ARGUMENT", "missing argument hold"),
            // Extra arguments: the PIN only where money is taken (and BALANCE)
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU req=1", "BAD_ARGUMENT", "unknown argument req for GIFT BALANCE"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=5 currency=EUR", "BAD_ARGUMENT", "unknown argument pin for GIFT LOAD"),
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234", "BAD_ARGUMENT", "unknown argument pin for GIFT ACTIVATE"),
            ("GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR pin=1234", "BAD_ARGUMENT", "unknown argument pin"),
            ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=3 pin=1234", "BAD_ARGUMENT", "unknown argument pin"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=3 receipt=R1", "BAD_ARGUMENT", "unknown argument receipt for GIFT RELEASE"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=3 amount=1 currency=EUR", "BAD_ARGUMENT", "unknown argument amount"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR partial=1", "BAD_ARGUMENT", "unknown argument partial"),
            ("GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR partial=1", "BAD_ARGUMENT", "unknown argument partial"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR member=0000000018", "BAD_ARGUMENT", "unknown argument member"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR hold=3", "BAD_ARGUMENT", "unknown argument hold"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR points=3", "BAD_ARGUMENT", "unknown argument points"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR pin=", "BAD_ARGUMENT", "pin: empty value"),
            // Codes: check character, length (a voucher code is shorter), alphabet
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRS", "BAD_ARGUMENT", "code: the code's check character is wrong"),
            ("GIFT BALANCE code=BACD-EFGH-JKMN-PQRU", "BAD_ARGUMENT", "code: the code's check character is wrong"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRV amount=5 currency=EUR", "BAD_ARGUMENT", "code: the code's check character"),
            ("GIFT BALANCE code=7QHX-N4KD-2PRW-Z", "BAD_ARGUMENT", "code: a code has 16 characters"),
            ("GIFT LOAD req=1 code=2222-2222-2222-2 amount=5 currency=EUR", "BAD_ARGUMENT", "code: a code has 16 characters"),
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU-2", "BAD_ARGUMENT", "code: a code has 16 characters"),
            ("GIFT BALANCE code=0BCD-EFGH-JKMN-PQRU", "BAD_ARGUMENT", "code: a code uses only"),
            // PINs: 4 to 8 digits
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU pin=123", "BAD_ARGUMENT", "pin: a PIN has 4 to 8 digits"),
            ("GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU pin=123456789", "BAD_ARGUMENT", "pin: a PIN has 4 to 8 digits"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=12a4 amount=5 currency=EUR", "BAD_ARGUMENT", "pin: a PIN has 4 to 8 digits"),
            ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU pin=-1234 amount=5 currency=EUR", "BAD_ARGUMENT", "pin: a PIN has 4 to 8 digits"),
            ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU pin=١٢٣٤ amount=5 currency=EUR", "BAD_ARGUMENT", "pin: a PIN has 4 to 8 digits"),
            // Amounts: more than zero, no sign, the currency's decimals
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=0 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be more than zero"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=0.00 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be more"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=0 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be more"),
            ("GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU amount=0 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be more"),
            ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU amount=0 currency=JPY", "BAD_ARGUMENT", "amount: a gift card amount must be more"),
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU amount=0 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be more"),
            ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=3 amount=0 currency=EUR", "BAD_ARGUMENT", "amount: a gift card amount must be"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=-5 currency=EUR", "BAD_ARGUMENT", "amount: amount must not be negative"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=-0.01 currency=EUR", "BAD_ARGUMENT", "amount: amount must not be negative"),
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=1.001 currency=EUR", "BAD_ARGUMENT", "amount: EUR has 2 decimal places"),
            ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU amount=1.5 currency=JPY", "BAD_ARGUMENT", "amount: JPY has 0 decimal places"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=1e3 currency=EUR", "BAD_ARGUMENT", "amount: not a decimal amount"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=1000000000 currency=EUR", "BAD_ARGUMENT", "amount: amount is too large"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EURO", "BAD_ARGUMENT", "currency:"),
            // Flags and hold ids
            ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR partial=2", "BAD_ARGUMENT", "partial: expected 0 or 1"),
            ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR partial=maybe", "BAD_ARGUMENT", "partial: expected 0 or 1"),
            ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=0", "BAD_ARGUMENT", "hold: a hold id"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=-3", "BAD_ARGUMENT", "hold: a hold id"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=abc", "BAD_ARGUMENT", "hold: a hold id"),
            ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=9223372036854775808", "BAD_ARGUMENT", "hold: a hold id"),
            // Members of ACTIVATE, receipts, request ids
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU member=0000000019", "BAD_ARGUMENT", "member:"),
            ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU member=0000000018 email=a@b.de", "BAD_ARGUMENT", "member: give exactly one"),
            ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR receipt=\"R 1\"", "BAD_ARGUMENT", "receipt:"),
            ("GIFT LOAD req=a/b code=ABCD-EFGH-JKMN-PQRU amount=5 currency=EUR", "BAD_ARGUMENT", "req:"),
            // The line itself
            ("GIFT REDEEM req=1 req=2", "BAD_REQUEST", "repeated argument req"),
            ("GIFT RED3EM req=1", "BAD_REQUEST", "malformed command name 'RED3EM'"),
            ("GIFT \"REDEEM\" req=1", "BAD_REQUEST", "malformed command name"),
            ("GIFT-REDEEM req=1", "BAD_REQUEST", "malformed command name"),
        ])
    func refusals(line: String, code: String, message: String) {
        do {
            let request = try Self.parse(line)
            Issue.record("\(line) parsed as \(request)")
        } catch {
            #expect(error.code.rawValue == code, "\(line): \(error)")
            #expect(error.message.hasPrefix(message), "\(line): \(error)")
        }
    }

    @Test("GIFT is not allowed before AUTH")
    func notBeforeAuth() throws {
        #expect(try !Self.parse("GIFT BALANCE code=2222-2222-2222-2222").allowedBeforeAuth)
        #expect(try !Self.parse("GIFT LOAD req=1 code=2222-2222-2222-2222 amount=1 currency=EUR").allowedBeforeAuth)
    }
}

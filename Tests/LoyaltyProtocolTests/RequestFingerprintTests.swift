import LoyaltyCore
import LoyaltyProtocol
import Testing

@Suite("Request.fingerprint")
struct RequestFingerprintTests {
    static let parser = RequestParser(defaultRegion: try! PhoneNumber.Region(code: "DE"))

    private static func fingerprint(_ line: String) throws(LoyaltyError) -> String? {
        try parser.parse(line).fingerprint
    }

    @Test(
        "is the same for lines that mean the same",
        arguments: [
            ("EARN req=1 member=0000000018 amount=25.00 currency=EUR", "earn currency=eur amount=25.0 member=\"000 000 0018\" req=2"),
            ("EARN req=1 member=0000000018 amount=25 currency=EUR", "EARN req=1 member=0000000018 amount=0025.00 currency=EUR"),
            ("EARN req=1 phone=\"0151 1234 5678\" points=5", "EARN phone=+4915112345678 points=5 req=other"),
            ("EARN req=1 email=Anna@Example.com points=5 receipt=R1", "EARN req=1 email=anna@example.com receipt=R1 points=5"),
            ("REDEEM req=1 member=0000000018 points=10", "redeem points=10 member=0000000018 req=9"),
            ("REVERSE req=1 of=T1-1", "REVERSE of=T1-1 req=2"),
            ("REVERSE req=1 entry=7 amount=5.5 currency=EUR", "REVERSE req=1 entry=07 amount=5.50 currency=eur"),
            ("ENROLL req=1 first_name=Anna last_name=Berg email=ANNA@example.com consent_sms=0",
             "ENROLL last_name=\" Berg \" first_name=Anna req=2 email=anna@example.com consent_email=no"),
            ("ENROLL req=1 first_name=Anna last_name=Berg consent_email=yes phone=015112345678",
             "ENROLL req=1 first_name=Anna last_name=Berg consent_email=1 phone=\"+49 151 1234 5678\""),
        ])
    func same(first: String, second: String) throws {
        let a = try Self.fingerprint(first)
        #expect(a != nil)
        #expect(a == (try Self.fingerprint(second)))
    }

    @Test(
        "differs for lines that mean something else",
        arguments: [
            ("EARN req=1 member=0000000018 amount=25.00 currency=EUR", "EARN req=1 member=0000000018 amount=25.01 currency=EUR"),
            ("EARN req=1 member=0000000018 amount=25 currency=EUR", "EARN req=1 member=0000000018 amount=25 currency=USD"),
            ("EARN req=1 member=0000000018 amount=25 currency=EUR", "EARN req=1 member=7992739875 amount=25 currency=EUR"),
            ("EARN req=1 member=0000000018 amount=25 currency=EUR", "EARN req=1 member=0000000018 points=25"),
            ("EARN req=1 member=0000000018 amount=2500 currency=JPY", "EARN req=1 member=0000000018 amount=25.00 currency=EUR"),
            ("EARN req=1 member=0000000018 points=5", "EARN req=1 member=0000000018 points=5 receipt=R1"),
            ("EARN req=1 member=0000000018 points=5 receipt=R1", "EARN req=1 member=0000000018 points=5 receipt=r1"),
            ("EARN req=1 member=0000000018 points=5", "REDEEM req=1 member=0000000018 points=5"),
            ("REDEEM req=1 member=0000000018 points=5", "REDEEM req=1 member=0000000018 points=6"),
            ("REVERSE req=1 of=T1-1", "REVERSE req=1 of=T1-2"),
            ("REVERSE req=1 of=7", "REVERSE req=1 entry=7"),
            ("REVERSE req=1 entry=7", "REVERSE req=1 entry=7 points=1"),
            ("REVERSE req=1 entry=7 points=100", "REVERSE req=1 entry=7 amount=1 currency=EUR"),
            ("ENROLL req=1 first_name=Anna last_name=Berg", "ENROLL req=1 first_name=anna last_name=Berg"),
            ("ENROLL req=1 first_name=Anna last_name=Berg", "ENROLL req=1 first_name=Anna last_name=Berg consent_sms=1"),
            ("ENROLL req=1 first_name=\"Anna last_name=Berg\" last_name=X", "ENROLL req=1 first_name=Anna last_name=\"Berg last_name=X\""),
            ("ENROLL req=1 first_name=Anna last_name=Berg birth_date=1985-07-14", "ENROLL req=1 first_name=Anna last_name=Berg"),
            ("CLAIM req=1 member=0000000018 reward=tote", "CLAIM req=1 member=0000000018 reward=coffee"),
            ("CLAIM req=1 member=0000000018 reward=tote", "CLAIM req=1 member=7992739875 reward=tote"),
            ("USE req=1 code=2222-2222-2222-2 receipt=R1", "USE req=1 code=2222-2222-2223-D receipt=R1"),
            ("USE req=1 code=2222-2222-2222-2 receipt=R1", "USE req=1 code=2222-2222-2222-2 receipt=R2"),
        ])
    func differs(first: String, second: String) throws {
        #expect(try Self.fingerprint(first) != Self.fingerprint(second))
    }

    @Test("leaves out the request id and names members by kind", arguments: [
        ("EARN req=secret-req-id member=0000000018 amount=25.00 currency=EUR", "EARN number=0000000018 amount=2500 currency=EUR"),
        ("REVERSE req=1 of=T1 amount=1.5 currency=EUR", "REVERSE of=T1 amount=150 currency=EUR"),
        ("REVERSE req=1 entry=3", "REVERSE entry=3 extent=full"),
        ("REDEEM req=1 phone=015112345678 points=3 receipt=X", "REDEEM phone=+4915112345678 points=3 receipt=X"),
        ("ENROLL req=1 first_name=\"Anna Maria\" last_name=Berg",
         "ENROLL first_name=\"Anna Maria\" last_name=Berg consent_email=0 consent_sms=0"),
        ("CLAIM req=1 phone=015112345678 reward=tote", "CLAIM phone=+4915112345678 reward=tote"),
        ("USE req=1 code=2222-2222-2223-d receipt=R1", "USE code=222222222223D receipt=R1"),
    ])
    func canonicalText(line: String, text: String) throws {
        #expect(try Self.fingerprint(line) == text)
    }

    @Test("is nil for requests that change nothing", arguments: [
        "PING", "HELP", "QUIT", "AUTH terminal=T secret=s", "MEMBER member=0000000018", "BALANCE member=0000000018",
        "HISTORY member=0000000018 limit=5", "REWARDS member=0000000018", "VOUCHER code=2222-2222-2222-2",
        "GIFT BALANCE code=2222-2222-2222-2222", "GIFT BALANCE code=2222-2222-2222-2222 pin=1234",
    ])
    func readOnly(line: String) throws {
        #expect(try Self.fingerprint(line) == nil)
    }

    // MARK: - Gift cards

    @Test("gift cards: the verb, the canonical code, minor units, partial, hold, member and receipt", arguments: [
        ("GIFT ACTIVATE req=1 code=abcd-efgh-jkmn-pqru", "GIFT ACTIVATE code=ABCDEFGHJKMNPQRU"),
        ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU amount=25 currency=eur phone=015112345678 receipt=R-1",
         "GIFT ACTIVATE code=ABCDEFGHJKMNPQRU amount=2500 currency=EUR phone=+4915112345678 receipt=R-1"),
        ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=10.5 currency=EUR", "GIFT LOAD code=ABCDEFGHJKMNPQRU amount=1050 currency=EUR"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=30 currency=EUR receipt=R-2",
         "GIFT REDEEM code=ABCDEFGHJKMNPQRU amount=3000 currency=EUR partial=0 receipt=R-2"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR partial=yes",
         "GIFT REDEEM code=ABCDEFGHJKMNPQRU amount=3000 currency=EUR partial=1"),
        ("GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU amount=1500 currency=JPY", "GIFT REFUND code=ABCDEFGHJKMNPQRU amount=1500 currency=JPY"),
        ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU pin=99999999 amount=40 currency=EUR partial=1",
         "GIFT HOLD code=ABCDEFGHJKMNPQRU amount=4000 currency=EUR partial=1"),
        ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17 amount=3 currency=EUR receipt=R-4",
         "GIFT CAPTURE code=ABCDEFGHJKMNPQRU hold=17 amount=300 currency=EUR receipt=R-4"),
        ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17", "GIFT CAPTURE code=ABCDEFGHJKMNPQRU hold=17"),
        ("GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=017", "GIFT RELEASE code=ABCDEFGHJKMNPQRU hold=17"),
    ])
    func giftCanonicalText(line: String, text: String) throws {
        #expect(try Self.fingerprint(line) == text)
    }

    @Test("gift cards: never the PIN, so a retry with another PIN replays", arguments: [
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=30 currency=EUR",
         "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=4321 amount=30 currency=EUR"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=30 currency=EUR",
         "gift redeem req=2 code=abcdefghjkmnpqru amount=30.00 currency=eur partial=0"),
        ("GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=30 currency=EUR",
         "GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR"),
    ])
    func giftSame(first: String, second: String) throws {
        let fingerprint = try Self.fingerprint(first)
        #expect(fingerprint != nil)
        #expect(fingerprint?.contains("1234") == false)
        #expect(fingerprint == (try Self.fingerprint(second)))
    }

    @Test("gift cards: differs for requests that mean something else", arguments: [
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR", "GIFT HOLD req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR", "GIFT REDEEM req=1 code=2222-2222-2222-2222 amount=30 currency=EUR"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR", "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30.01 currency=EUR"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR", "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=USD"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR",
         "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR partial=1"),
        ("GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR",
         "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR receipt=R1"),
        ("GIFT LOAD req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR", "GIFT REFUND req=1 code=ABCD-EFGH-JKMN-PQRU amount=30 currency=EUR"),
        ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU", "GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU member=0000000018"),
        ("GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU", "GIFT ACTIVATE req=1 code=ABCD-EFGH-JKMN-PQRU amount=25 currency=EUR"),
        ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17", "GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=18"),
        ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17", "GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17 amount=1 currency=EUR"),
        ("GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17", "GIFT RELEASE req=1 code=ABCD-EFGH-JKMN-PQRU hold=17"),
        ("USE req=1 code=2222-2222-2222-2 receipt=R1", "GIFT REDEEM req=1 code=2222-2222-2222-2222 amount=1 currency=EUR receipt=R1"),
    ])
    func giftDiffers(first: String, second: String) throws {
        #expect(try Self.fingerprint(first) != Self.fingerprint(second))
    }
}

import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO

/// What the fault tests' tills need: a terminal per till, a member with points and an active gift card for
/// each, and the installation key file the server reads (the tests' key, so the store can issue the cards).
struct FaultFixture {
    struct Till {
        let terminal: String
        let secret: String
        let member: String
        let card: String
    }

    let tills: [Till]
    let keyFile: String

    static func make(_ store: LoyaltyStore, tills count: Int, directory: String) async throws -> FaultFixture {
        let keyFile = directory + "/secret.key"
        guard FileManager.default.createFile(
            atPath: keyFile, contents: Data((1...32).map { UInt8($0) }), attributes: [.posixPermissions: 0o600])
        else { throw CLITestError.exited("cannot write \(keyFile)") }
        let cards = try await store.issueGiftCards(
            try NewGiftCardBatch(count: count, currency: .euro, amount: 100_000, expires: nil, withPIN: false, inactive: false),
            actor: "faults"
        ).cards
        var tills: [Till] = []
        for index in 0..<count {
            let (terminal, secret) = try await store.addTerminal(name: "till-\(index)", storeCode: "S1", actor: "faults")
            let member = try await store.enroll(NewMember(firstName: "Till", lastName: "Member \(index)"), origin: .admin(actor: "faults")).member
            _ = try await store.adjust(.number(try MemberNumber(parsing: member)), points: 1_000_000, reason: "fault test float", actor: "faults")
            tills.append(Till(terminal: terminal.name, secret: secret, member: member, card: cards[index].code.canonical))
        }
        return FaultFixture(tills: tills, keyFile: keyFile)
    }

    /// The environment of `serve` (and `db check`) on `url`: an ephemeral port, a short request time-out.
    func environment(_ url: DatabaseURL) -> [String: String] {
        [
            "LOYALTY_DATABASE_URL": url.redacted, "LOYALTY_LISTEN": "127.0.0.1:0", "LOYALTY_SECURITY_KEY_FILE": keyFile,
            "LOYALTY_SERVER_REQUEST_TIMEOUT_SECONDS": "3", "LOYALTY_ACTOR": "faults",
        ]
    }

    /// The `n`th request of till `till`: EARN, REDEEM and GIFT REDEEM in turn, each with a fresh `req`.
    static func line(_ till: Till, _ n: Int, prefix: String = "k") -> String {
        let request = "\(prefix)\(n)"
        switch n % 3 {
        case 0: return "EARN req=\(request) member=\(till.member) amount=1.00 currency=EUR receipt=R\(n)"
        case 1: return "REDEEM req=\(request) member=\(till.member) points=1"
        default: return "GIFT REDEEM req=\(request) code=\(till.card) amount=0.01 currency=EUR"
        }
    }

    /// How many ledger entries and gift-card activities each `terminal req` wrote.
    static func writes(_ client: PostgresClient, logger: Logger) async throws -> [String: Int64] {
        let rows = try await client.query(
            """
            select t.name || ' ' || w.request_id, count(*)::int8
              from (select terminal_id, request_id from point_entries where terminal_id is not null
                    union all
                    select terminal_id, request_id from gift_card_activities where terminal_id is not null) w
              join terminals t on t.id = w.terminal_id
             group by 1
            """, logger: logger)
        var writes: [String: Int64] = [:]
        for try await (key, count) in rows.decode((String, Int64).self) { writes[key] = count }
        return writes
    }

    /// The `req` of a request line.
    static func request(of line: String) -> String {
        line.split(separator: " ").first { $0.hasPrefix("req=") }.map { String($0.dropFirst(4)) } ?? ""
    }
}

import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO

/// A request id no other request of the test uses.
func newRequestID(_ prefix: String = "r") -> String {
    "\(prefix)-\(UUID().uuidString.prefix(13))"
}

extension LineClient {
    /// Sends a request and returns the fields of its `OK` reply; throws on any other reply.
    func ok(_ line: String) async throws -> [String: String] {
        try okFields(await request(line))
    }

    /// Sends a request and returns the code of its `ERR` reply, or nil when the reply is not an error.
    func err(_ line: String) async throws -> String? {
        errorCode(try await request(line))
    }

    /// Sends a request whose reply is a list: the header's fields and every item's fields.
    func list(_ line: String) async throws -> (header: [String: String], items: [[String: String]]) {
        let (header, items) = try await requestList(line)
        return (try okFields(header), try items.map(itemFields))
    }

    /// Whether `PING` still gets `OK time=…` on this connection.
    func pings() async throws -> Bool {
        try await request("PING").hasPrefix("OK time=")
    }

    /// Enrols a member at the till and returns the new member number.
    func enroll(_ arguments: String = "first_name=Ada last_name=Lovelace") async throws -> String {
        let fields = try await ok("ENROLL req=\(newRequestID("enrol")) \(arguments)")
        guard let member = fields["member"] else { throw UnexpectedReply(reply: "\(fields)", reason: "no member") }
        return member
    }

    /// Awards an explicit number of points and returns the EARN reply's fields.
    @discardableResult
    func earn(_ member: String, points: Int64) async throws -> [String: String] {
        try await ok("EARN req=\(newRequestID("earn")) member=\(member) points=\(points)")
    }

    /// The member's balance as BALANCE reports it.
    func balance(_ member: String) async throws -> Int64 {
        try await ok("BALANCE member=\(member)").int("points")
    }
}

extension TestServer {
    /// Runs a query returning one integer (cast it to int8 in SQL).
    func sqlInt(_ query: PostgresQuery) async throws -> Int64 {
        try await database.sqlInt(query)
    }

    /// How many ledger entries the member has.
    func entryCount(_ member: String) async throws -> Int64 {
        try await sqlInt(
            "select count(*)::int8 from point_entries e join members m on m.id = e.member_id where m.number = \(member)")
    }

    /// The sum of the member's ledger entries and the cached balance, read with SQL.
    func ledger(_ member: String) async throws -> (sum: Int64, balance: Int64) {
        let sum = try await sqlInt(
            """
            select coalesce(sum(e.points), 0)::int8 from point_entries e join members m on m.id = e.member_id
             where m.number = \(member)
            """)
        let balance = try await sqlInt(
            "select a.balance from point_accounts a join members m on m.id = a.member_id where m.number = \(member)")
        return (sum, balance)
    }

    /// Changes a member's status as an administrator would.
    func setStatus(_ member: String, _ status: MemberStatus) async throws {
        _ = try await store.setMemberStatus(
            .number(try MemberNumber(parsing: member)), to: status, reason: "test", actor: "test")
    }
}

extension TestDatabase {
    /// Runs a query returning one integer (cast it to int8 in SQL).
    func sqlInt(_ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return value }
        throw UnexpectedReply(reply: "", reason: "the query returned no row")
    }
}

/// A valid member number (check digit right) that no member has in a fresh database.
let unknownMemberNumber = MemberNumber(sequence: 999_999_998).digits

/// The number with its check digit changed, so that it no longer validates.
func withWrongCheckDigit(_ number: String) -> String {
    let last = number.last?.wholeNumberValue ?? 0
    return String(number.dropLast()) + String((last + 1) % 10)
}

/// Whether the server closes the connection within `limit` without sending anything more.
func serverCloses(_ client: LineClient, within limit: Duration) async throws -> Bool {
    try await nextLine(client, within: limit) == .closed
}

/// What arrived on a connection within a time limit.
enum LineOutcome: Equatable {
    case line(String)
    case closed
    case timedOut
}

/// The next line from the server, the end of the stream, or `.timedOut` when nothing arrives within `limit`
/// (the connection is then closed by the test).
func nextLine(_ client: LineClient, within limit: Duration) async throws -> LineOutcome {
    try await withThrowingTaskGroup(of: LineOutcome.self) { group in
        group.addTask { try await client.readLine().map(LineOutcome.line) ?? .closed }
        group.addTask {
            try? await Task.sleep(for: limit)
            return .timedOut
        }
        let first = try await group.next() ?? .timedOut
        group.cancelAll()
        if first == .timedOut { await client.close() }
        return first
    }
}

/// How long `body` takes.
func measure(_ body: () async throws -> Void) async rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    return clock.now - start
}

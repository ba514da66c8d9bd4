import LoyaltyTesting
import Testing

/// Duplicates of one request (a till that retries on another connection while the first attempt is still
/// running) must all get the first attempt's outcome. A transaction of the test holds a lock the ledger
/// functions need, and the test releases it only once every duplicate is waiting inside the database (the
/// first on that lock, the others on the request's advisory lock in `loyalty_replay`): the duplicates are
/// then certainly concurrent instead of luckily so. REDEEM, REVERSE and ENROLL with an email are the cases
/// where a duplicate that did not wait would fail differently from the original.
@Suite("Concurrent duplicates of one request (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ConcurrentDuplicateTests {
    /// Duplicates sent at once; the server's PostgreSQL pool (4 in tests) lets them all reach the lock.
    static let duplicates = 4

    /// What the test's transaction locks.
    enum Lock {
        /// The member's point account: EARN, REDEEM and REVERSE of that member queue on it.
        case account(String)
        /// The members table: ENROLL queues on it.
        case membersTable
    }

    /// Sends `line` on every client while `lock` is held, waits until the database shows them all waiting,
    /// releases the lock and returns the replies.
    static func race(_ server: TestServer, clients: [LineClient], line: String, lock: Lock) async throws -> [String] {
        let rowLock =
            switch lock {
            case .account(let member): try await RowLock.account(server.database, member: member)
            case .membersTable: try await RowLock.acquire(server.database, "lock table members in share mode")
            }
        do {
            return try await withThrowingTaskGroup(of: String.self) { group in
                for client in clients { group.addTask { try await client.request(line) } }
                try await rowLock.waitForWaiters(clients.count)
                try await rowLock.release()
                return try await group.reduce(into: []) { $0.append($1) }
            }
        } catch {
            await rowLock.close()
            throw error
        }
    }

    static func connections(_ server: TestServer) async throws -> [LineClient] {
        let terminal = try await server.addTerminal("till-1")
        var clients: [LineClient] = []
        for _ in 0..<duplicates { clients.append(try await server.connect(as: terminal)) }
        return clients
    }

    @Test("concurrent duplicate EARNs: one entry, identical replies")
    func earn() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server)
            let member = try await clients[0].enroll()
            let replies = try await Self.race(
                server, clients: clients, line: "EARN req=dup-earn member=\(member) amount=12.00 currency=EUR",
                lock: .account(member))
            #expect(Set(replies).count == 1, "\(replies)")
            #expect(try okFields(replies[0])["points"] == "12")
            #expect(try await server.entryCount(member) == 1)
            #expect(try await clients[0].balance(member) == 12)
        }
    }

    @Test("concurrent duplicate REDEEMs that the balance covers only once: all get the one redemption")
    func redeem() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server)
            let member = try await clients[0].enroll()
            try await clients[0].earn(member, points: 100)
            let replies = try await Self.race(
                server, clients: clients, line: "REDEEM req=dup-redeem member=\(member) points=60",
                lock: .account(member))
            #expect(Set(replies).count == 1, "every duplicate should replay the one redemption: \(replies)")
            #expect(replies.allSatisfy { $0.hasPrefix("OK ") }, "\(replies)")
            #expect(try await clients[0].balance(member) == 40)
            #expect(try await server.entryCount(member) == 2)
        }
    }

    @Test("concurrent duplicate full REVERSEs: all get the one reversal")
    func reverse() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server)
            let member = try await clients[0].enroll()
            _ = try await clients[0].ok("EARN req=sale-1 member=\(member) amount=50.00 currency=EUR")
            let replies = try await Self.race(
                server, clients: clients, line: "REVERSE req=dup-reverse of=sale-1", lock: .account(member))
            #expect(Set(replies).count == 1, "every duplicate should replay the one reversal: \(replies)")
            #expect(replies.allSatisfy { $0.hasPrefix("OK ") }, "\(replies)")
            #expect(try await clients[0].balance(member) == 0)
            #expect(try await server.entryCount(member) == 2)
        }
    }

    @Test("concurrent duplicate ENROLLs without contact details: one member, identical replies")
    func enrollWithoutContact() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server)
            let replies = try await Self.race(
                server, clients: clients, line: "ENROLL req=dup-enrol first_name=Ada last_name=Lovelace",
                lock: .membersTable)
            #expect(Set(replies).count == 1, "\(replies)")
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 1)
        }
    }

    @Test("concurrent duplicate ENROLLs with an email: one member, identical replies")
    func enrollWithEmail() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server)
            let replies = try await Self.race(
                server, clients: clients,
                line: "ENROLL req=dup-enrol first_name=Ada last_name=Lovelace email=ada@example.com",
                lock: .membersTable)
            #expect(Set(replies).count == 1, "every duplicate should replay the one enrolment: \(replies)")
            #expect(replies.allSatisfy { $0.hasPrefix("OK ") }, "\(replies)")
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 1)
        }
    }
}

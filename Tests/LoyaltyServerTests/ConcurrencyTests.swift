import LoyaltyTesting
import Testing

@Suite("Concurrent terminals (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ConcurrencyTests {
    /// Connections of several terminals: `terminals` terminals with `perTerminal` connections each.
    static func connections(_ server: TestServer, terminals: Int, perTerminal: Int) async throws -> [LineClient] {
        var clients: [LineClient] = []
        for number in 1...terminals {
            let terminal = try await server.addTerminal("till-\(number)")
            for _ in 0..<perTerminal { clients.append(try await server.connect(as: terminal)) }
        }
        return clients
    }

    @Test("20 connections redeem 10 of 100 points at once: exactly 10 succeed, the balance ends at 0")
    func concurrentRedemptions() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server, terminals: 4, perTerminal: 5)
            let member = try await clients[0].enroll()
            try await clients[0].earn(member, points: 100)

            let replies = try await withThrowingTaskGroup(of: String.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask { try await client.request("REDEEM req=spend-\(index) member=\(member) points=10") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let succeeded = try replies.filter { $0.hasPrefix("OK ") }.map(okFields)
            let refused = replies.filter { !$0.hasPrefix("OK ") }
            #expect(succeeded.count == 10, "\(replies)")
            #expect(refused.count == 10)
            #expect(refused.allSatisfy { errorCode($0) == "INSUFFICIENT_POINTS" }, "\(refused)")
            // Each success saw a distinct balance: 90, 80, …, 0.
            let balances = Set(try succeeded.map { try $0.int("points") })
            #expect(balances == Set(stride(from: 0, through: 90, by: 10).map(Int64.init)))

            #expect(try await clients[0].balance(member) == 0)
            let ledger = try await server.ledger(member)
            #expect(ledger.sum == ledger.balance)
            #expect(ledger.balance == 0)
            #expect(try await server.entryCount(member) == 11)
        }
    }

    @Test("20 connections each pipelining 10 EARNs for one member: every point is counted once")
    func concurrentEarns() async throws {
        try await withServer { server in
            let clients = try await Self.connections(server, terminals: 4, perTerminal: 5)
            let member = try await clients[0].enroll()
            let perClient = 10
            let replies = try await withThrowingTaskGroup(of: [String].self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        var batch = ""
                        for request in 0..<perClient {
                            batch += "EARN req=c\(index)-\(request) member=\(member) amount=\(request + 1).50 currency=EUR\n"
                        }
                        try await client.sendRaw(Array(batch.utf8))
                        var replies: [String] = []
                        for _ in 0..<perClient {
                            guard let line = try await client.readLine() else { throw UnexpectedReply(reply: "", reason: "closed") }
                            replies.append(line)
                        }
                        return replies
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(replies.count == clients.count * perClient)
            let earned = try replies.map { try okFields($0).int("earned") }
            let expected = Int64(clients.count) * (1...perClient).reduce(0) { $0 + Int64($1) }
            #expect(earned.reduce(0, +) == expected)
            #expect(try await clients[0].balance(member) == expected)
            let ledger = try await server.ledger(member)
            #expect(ledger.sum == expected && ledger.balance == expected)
            // Every reply names a distinct entry.
            #expect(Set(try replies.map { try okFields($0).int("entry") }).count == replies.count)
        }
    }
}

import LoyaltyTesting
import Testing

/// What the first server run of a restart test leaves for the second.
private struct Before: Sendable {
    let terminal: (name: String, secret: String)
    let member: String
    let replies: [String: String]
}

@Suite("Idempotency of mutating requests (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct IdempotencyTests {
    @Test("EARN, REDEEM, ENROLL and REVERSE sent twice give byte-identical replies and change the ledger once")
    func retriesReplay() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")

            let enroll = "ENROLL req=enrol-1 first_name=Grace last_name=Hopper email=grace@example.com"
            let enrolled = try await till.request(enroll)
            #expect(try await till.request(enroll) == enrolled)
            let member = try #require(try okFields(enrolled)["member"])
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 1)

            let earn = "EARN req=earn-1 member=\(member) amount=40.00 currency=EUR receipt=R-1"
            let earned = try await till.request(earn)
            #expect(try okFields(earned)["earned"] == "40")
            #expect(try await till.request(earn) == earned)
            #expect(try await till.balance(member) == 40)
            #expect(try await server.entryCount(member) == 1)
            #expect(try await server.sqlInt("select count(*)::int8 from purchases") == 1)

            let redeem = "REDEEM req=redeem-1 member=\(member) points=15"
            let redeemed = try await till.request(redeem)
            #expect(try okFields(redeemed)["points"] == "25")
            #expect(try await till.request(redeem) == redeemed)
            #expect(try await till.balance(member) == 25)
            #expect(try await server.entryCount(member) == 2)

            let reverse = "REVERSE req=reverse-1 of=earn-1 amount=10.00 currency=EUR"
            let reversed = try await till.request(reverse)
            #expect(try okFields(reversed)["reversed"] == "10")
            #expect(try await till.request(reverse) == reversed)
            #expect(try await till.balance(member) == 15)
            #expect(try await server.entryCount(member) == 3)

            // A replay after later changes still returns the original outcome, not the current balance.
            #expect(try await till.request(earn) == earned)
            #expect(try await server.entryCount(member) == 3)
            #expect(try await server.sqlInt("select count(*)::int8 from terminal_requests") == 4)
            let ledger = try await server.ledger(member)
            #expect(ledger.sum == 15 && ledger.balance == 15)
        }
    }

    @Test("the same request spelled differently is still the same request")
    func equivalentSpellingReplays() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let first = try await till.request("EARN req=sale-9 member=\(member) amount=12.50 currency=EUR receipt=R-9")
            let again = try await till.request("earn  currency=eur receipt=\"R-9\" amount=12.5 member=\(member)   req=sale-9")
            #expect(again == first)
            #expect(try await server.entryCount(member) == 1)
        }
    }

    @Test("the same req with different arguments or another verb is an IDEMPOTENCY_CONFLICT and changes nothing")
    func conflicts() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let other = try await till.enroll("first_name=Alan last_name=Turing")
            _ = try await till.ok("EARN req=sale-1 member=\(member) amount=20.00 currency=EUR")

            let conflicting = [
                "EARN req=sale-1 member=\(member) amount=20.01 currency=EUR",
                "EARN req=sale-1 member=\(member) amount=20.00 currency=USD",
                "EARN req=sale-1 member=\(member) amount=20.00 currency=EUR receipt=R-2",
                "EARN req=sale-1 member=\(other) amount=20.00 currency=EUR",
                "EARN req=sale-1 member=\(member) points=20",
                "REDEEM req=sale-1 member=\(member) points=5",
                "ENROLL req=sale-1 first_name=Ada last_name=Lovelace",
                "REVERSE req=sale-1 of=sale-1",
            ]
            for line in conflicting {
                let reply = try await till.request(line)
                #expect(errorCode(reply) == "IDEMPOTENCY_CONFLICT", "\(line) → \(reply)")
            }
            #expect(try await till.balance(member) == 20)
            #expect(try await till.balance(other) == 0)
            #expect(try await server.sqlInt("select count(*)::int8 from point_entries") == 1)
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 2)
        }
    }

    @Test("a refusal is replayed like a success: after a top-up the same req is still refused, a new req succeeds")
    func refusalIsReplayed() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let redeem = "REDEEM req=redeem-1 member=\(member) points=30"
            let refusal = try await till.request(redeem)
            #expect(errorCode(refusal) == "INSUFFICIENT_POINTS")
            try await till.earn(member, points: 50)
            // docs/protocol.md: a refusal is the request's outcome; its retry gets it back unchanged.
            #expect(try await till.request(redeem) == refusal)
            #expect(try await till.err("REDEEM req=redeem-1 member=\(member) points=31") == "IDEMPOTENCY_CONFLICT")
            #expect(try await till.balance(member) == 50)
            #expect(try await till.ok("REDEEM req=redeem-2 member=\(member) points=30")["points"] == "20")
            #expect(try await server.entryCount(member) == 2)
        }
    }

    @Test("a retry on a new connection of the same terminal replays")
    func retryOnNewConnection() async throws {
        try await withServer { server in
            let terminal = try await server.addTerminal("till-1")
            let first = try await server.connect(as: terminal)
            let member = try await first.enroll()
            let earn = "EARN req=sale-1 member=\(member) amount=9.99 currency=EUR"
            let reply = try await first.request(earn)
            await first.close()

            let second = try await server.connect(as: terminal)
            #expect(try await second.request(earn) == reply)
            #expect(try await server.entryCount(member) == 1)
            #expect(try await second.balance(member) == 9)
        }
    }

    @Test("a retry after a server restart on the same database replays")
    func retryAfterRestart() async throws {
        try await withTestDatabase { database in
            let before = try await withServer(database: database) { server in
                let terminal = try await server.addTerminal("till-1")
                let till = try await server.connect(as: terminal)
                let member = try await till.enroll()
                var replies: [String: String] = [:]
                for line in [
                    "EARN req=sale-1 member=\(member) amount=30.00 currency=EUR",
                    "REDEEM req=redeem-1 member=\(member) points=5",
                    "REVERSE req=reverse-1 of=sale-1 amount=10.00 currency=EUR",
                ] {
                    replies[line] = try await till.request(line)
                }
                return Before(terminal: terminal, member: member, replies: replies)
            }
            try await withServer(database: database) { server in
                let till = try await server.connect(as: before.terminal)
                for (line, reply) in before.replies {
                    #expect(try await till.request(line) == reply, "\(line)")
                }
                #expect(try await server.entryCount(before.member) == 3)
                #expect(try await till.balance(before.member) == 15)
                // And a conflicting reuse is still detected after the restart.
                #expect(try await till.err("EARN req=sale-1 member=\(before.member) amount=31.00 currency=EUR") == "IDEMPOTENCY_CONFLICT")
            }
        }
    }

    @Test("the same req from a different terminal is a different request")
    func reqIsPerTerminal() async throws {
        try await withServer { server in
            let one = try await server.till("till-1")
            let two = try await server.till("till-2")
            let member = try await one.enroll()
            let line = "EARN req=sale-1 member=\(member) amount=10.00 currency=EUR"
            let first = try okFields(try await one.request(line))
            let second = try okFields(try await two.request(line))
            #expect(first["points"] == "10")
            #expect(second["points"] == "20")
            #expect(try second.int("entry") != (try first.int("entry")))
            #expect(try await server.entryCount(member) == 2)
            // Each terminal's retry replays its own outcome.
            #expect(try await two.ok(line) == second)
            #expect(try await one.ok(line) == first)
            // A different request under till-2's req is still a conflict for till-2 only.
            #expect(try await two.err("EARN req=sale-1 member=\(member) points=3") == "IDEMPOTENCY_CONFLICT")
        }
    }

    @Test("the same EARN sent on five connections of one terminal at once: one entry, five identical replies")
    func concurrentDuplicateEarns() async throws {
        try await withServer { server in
            let terminal = try await server.addTerminal("till-1")
            var clients: [LineClient] = []
            for _ in 0..<5 { clients.append(try await server.connect(as: terminal)) }
            let member = try await clients[0].enroll()
            let line = "EARN req=dup-1 member=\(member) amount=77.70 currency=EUR"
            let replies = try await withThrowingTaskGroup(of: String.self) { group in
                for client in clients { group.addTask { try await client.request(line) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.count == 5)
            #expect(Set(replies).count == 1, "\(replies)")
            #expect(try okFields(replies[0])["earned"] == "77")
            #expect(try await server.entryCount(member) == 1)
            #expect(try await clients[0].balance(member) == 77)
        }
    }

    @Test("a phone number written another way is the same request; naming the member by another key is not")
    func memberSpelling() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll("first_name=Ada last_name=Lovelace phone=+4915112345678 email=ada@example.com")
            let first = try await till.request("EARN req=sale-1 phone=+4915112345678 points=5")
            #expect(try okFields(first)["member"] == member)
            #expect(try await till.request(#"EARN req=sale-1 phone="0049 151 1234-5678" points=5"#) == first)
            #expect(try await till.request("EARN req=sale-1 phone=+4915112345678 points=05") == first)
            #expect(try await till.err("EARN req=sale-1 member=\(member) points=5") == "IDEMPOTENCY_CONFLICT")
            #expect(try await till.err("EARN req=sale-1 email=ada@example.com points=5") == "IDEMPOTENCY_CONFLICT")
            #expect(try await server.entryCount(member) == 1)
        }
    }
}

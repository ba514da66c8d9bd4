import LoyaltyTesting
import Testing

@Suite("Terminal revocation on an open connection (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct RevocationTests {
    @Test("after revocation the next member request gets AUTH_FAILED and the server hangs up")
    func revokedWhileConnected() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let other = try await server.till("till-2")
            let member = try await till.enroll()
            try await till.earn(member, points: 10)

            _ = try await server.store.revokeTerminal(name: "till-1", actor: "test")
            // A request pipelined behind the refused one is never executed.
            try await till.sendRaw(Array("EARN req=after-1 member=\(member) points=5\nBALANCE member=\(member)\n".utf8))
            let reply = try #require(try await till.readLine())
            #expect(errorCode(reply) == "AUTH_FAILED", "\(reply)")
            #expect(try await serverCloses(till, within: .seconds(5)))

            #expect(try await other.balance(member) == 10)
            #expect(try await server.entryCount(member) == 1)
        }
    }

    @Test("every member verb of a revoked terminal is refused", arguments: ["MEMBER", "BALANCE", "HISTORY", "REDEEM", "REVERSE", "ENROLL"])
    func everyVerbRefused(verb: String) async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.earn(member, points: 10)
            _ = try await till.ok("EARN req=sale-1 member=\(member) amount=10.00 currency=EUR")
            _ = try await server.store.revokeTerminal(name: "till-1", actor: "test")
            let line =
                switch verb {
                case "REDEEM": "REDEEM req=x-1 member=\(member) points=1"
                case "REVERSE": "REVERSE req=x-2 of=sale-1"
                case "ENROLL": "ENROLL req=x-3 first_name=Eve last_name=Late"
                default: "\(verb) member=\(member)"
                }
            #expect(try await till.err(line) == "AUTH_FAILED", "\(line)")
            #expect(try await serverCloses(till, within: .seconds(5)))
            #expect(try await server.entryCount(member) == 2)
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 1)
        }
    }

    @Test("a revoked terminal's retry of an earlier EARN is refused too, not replayed")
    func revokedRetryRefused() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let earn = "EARN req=sale-1 member=\(member) amount=10.00 currency=EUR"
            _ = try await till.ok(earn)
            _ = try await server.store.revokeTerminal(name: "till-1", actor: "test")
            // "Revokes a terminal: its next request, also on an open connection, is refused."
            let reply = try await till.request(earn)
            #expect(errorCode(reply) == "AUTH_FAILED", "a revoked terminal got \(reply)")
        }
    }
}

import LoyaltyCore
import LoyaltyTesting
import Testing

@Suite("Terminal secret rotation and store scoping (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct SecretRotationTests {
    @Test("during a rotation both secrets work; after --finish the old one is refused, also on its open connection")
    func finishRefusesOldSecretOnOpenConnection() async throws {
        try await withServer(configure: { $0.credentialCheckInterval = .zero }) { server in
            let (name, oldSecret) = try await server.addTerminal("till-1")
            let old = try await server.connect(as: (name, oldSecret))
            let member = try await old.enroll()
            let (_, newSecret, _) = try await server.store.rotateTerminal(name: name, grace: .seconds(3600), actor: "test")
            let fresh = try await server.connect(as: (name, newSecret))
            let again = try await server.open()
            #expect(try await again.ok("AUTH terminal=\(name) secret=\(oldSecret)")["secret_expires"] != nil)
            try await old.earn(member, points: 5)

            _ = try await server.store.finishTerminalRotation(name: name, actor: "test")
            #expect(try await old.err("EARN req=\(newRequestID()) member=\(member) points=7") == "AUTH_FAILED")
            #expect(try await serverCloses(old, within: .seconds(5)))
            #expect(try await again.err("BALANCE member=\(member)") == "AUTH_FAILED")
            let late = try await server.open()
            #expect(try await late.err("AUTH terminal=\(name) secret=\(oldSecret)") == "AUTH_FAILED")
            #expect(try await fresh.balance(member) == 5)
            #expect(try await server.entryCount(member) == 1)
        }
    }

    @Test("a connection opened with the old secret is refused once the grace period ends, with the default check interval")
    func graceExpiresOnOpenConnection() async throws {
        try await withServer { server in
            let (name, oldSecret) = try await server.addTerminal("till-1")
            let old = try await server.connect(as: (name, oldSecret))
            let member = try await old.enroll()
            _ = try await server.store.rotateTerminal(name: name, grace: .seconds(3), actor: "test")
            // Within a second the connection learns that its secret now expires, and keeps working until then.
            try await Task.sleep(for: .milliseconds(1200))
            try await old.earn(member, points: 5)
            try await Task.sleep(for: .seconds(3))
            #expect(try await old.err("BALANCE member=\(member)") == "AUTH_FAILED")
            #expect(try await serverCloses(old, within: .seconds(5)))
        }
    }

    @Test("AUTH store= must be the terminal's store; purchases are recorded with the terminal's store")
    func storeScope() async throws {
        try await withServer { server in
            let (name, secret) = try await server.addTerminal("till-1", store: "berlin-01")
            let client = try await server.open()
            #expect(try await client.err("AUTH terminal=\(name) secret=\(secret) store=hamburg-02") == "STORE_MISMATCH")
            #expect(try await client.err("BALANCE member=0000000000") == "AUTH_REQUIRED")
            #expect(try await client.ok("AUTH terminal=\(name) secret=\(secret) store=berlin-01")["store"] == "berlin-01")
            let member = try await client.enroll()
            _ = try await client.ok("EARN req=\(newRequestID()) member=\(member) amount=10.00 currency=EUR")
            #expect(try await server.sqlInt("select count(*)::int8 from purchases where store_code = 'berlin-01'") == 1)
            #expect(try await server.sqlInt("select count(*)::int8 from purchases where store_code is distinct from 'berlin-01'") == 0)

            let (unscoped, unscopedSecret) = try await server.addTerminal("till-2", store: nil)
            let other = try await server.open()
            #expect(try await other.err("AUTH terminal=\(unscoped) secret=\(unscopedSecret) store=berlin-01") == "STORE_MISMATCH")
            #expect(try await other.ok("AUTH terminal=\(unscoped) secret=\(unscopedSecret)")["terminal"] == "till-2")
        }
    }
}

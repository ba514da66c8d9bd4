import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Terminal secret rotation (PostgreSQL)", .timeLimit(.minutes(6)))
struct TerminalRotationStoreTests {
    @Test("a rotation keeps both secrets valid until the grace ends or --finish; audited, never in clear")
    func rotation() async throws {
        try await withTestDatabase { db in
            let (terminal, old) = try await db.store.addTerminal(name: "till-1", storeCode: "S1", actor: "test")
            let (rotated, new, expires) = try await db.store.rotateTerminal(name: "till-1", grace: .seconds(3600), actor: "alice")
            #expect(rotated.id == terminal.id)
            #expect(new != old)
            #expect(expires.timeIntervalSinceNow > 3500)
            let (_, current) = try await db.store.authenticateCredential(terminal: "till-1", secret: new)
            #expect(current.expiresAt == nil)
            let (_, previous) = try await db.store.authenticateCredential(terminal: "till-1", secret: old)
            #expect(previous.expiresAt != nil)
            #expect(try await db.store.confirmCredential(terminal: terminal.id, previous) != nil)
            #expect(try await db.store.confirmCredential(terminal: terminal.id, current) == nil)
            #expect(try await db.scalar("select count(*)::int8 from terminals t where strpos(t::text, \(new)) > 0") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log a where strpos(a::text, \(new)) > 0") == 0)

            let twice = await #expect(throws: LoyaltyError.self) {
                try await db.store.rotateTerminal(name: "till-1", grace: .seconds(60), actor: "alice")
            }
            #expect(twice?.code == .alreadyExists)
            #expect(try await db.store.authenticate(terminal: "till-1", secret: old).id == terminal.id)

            _ = try await db.store.finishTerminalRotation(name: "till-1", actor: "alice")
            let refused = await #expect(throws: LoyaltyError.self) {
                try await db.store.authenticate(terminal: "till-1", secret: old)
            }
            #expect(refused?.code == .authFailed)
            let stale = await #expect(throws: LoyaltyError.self) {
                try await db.store.confirmCredential(terminal: terminal.id, previous)
            }
            #expect(stale?.code == .authFailed)
            #expect(try await db.store.authenticate(terminal: "till-1", secret: new).id == terminal.id)
            let finishedTwice = await #expect(throws: LoyaltyError.self) {
                try await db.store.finishTerminalRotation(name: "till-1", actor: "alice")
            }
            #expect(finishedTwice?.code == .notFound)
            #expect(
                try await db.texts("select action || ':' || actor || ':' || subject from audit_log where action like 'terminal.rotate%' order by id")
                    == ["terminal.rotate:alice:till-1", "terminal.rotate.finish:alice:till-1"])
        }
    }

    @Test("grace 0 refuses the old secret at once; revoked and unknown terminals cannot rotate and change nothing")
    func refusals() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            let (_, revokedSecret) = try await db.store.addTerminal(name: "till-2", storeCode: nil, actor: "test")
            _ = try await db.store.revokeTerminal(name: "till-2", actor: "test")
            let (_, new, _) = try await db.store.rotateTerminal(name: "till-1", grace: .zero, actor: "test")
            #expect(try await db.store.authenticate(terminal: "till-1", secret: new).name == "till-1")
            // A rotation whose grace is over does not block the next one.
            _ = try await db.store.rotateTerminal(name: "till-1", grace: .seconds(60), actor: "test")

            let before = try await db.scalar("select count(*)::int8 from audit_log")
            for name in ["till-2", "till-9"] {
                let error = await #expect(throws: LoyaltyError.self) {
                    try await db.store.rotateTerminal(name: name, grace: .seconds(60), actor: "test")
                }
                #expect(error?.code == .notFound)
            }
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == before)
            #expect(try await db.scalar("select count(*)::int8 from terminals where previous_secret_hash is not null and name = 'till-2'") == 0)
            let stillRevoked = await #expect(throws: LoyaltyError.self) {
                try await db.store.authenticate(terminal: "till-2", secret: revokedSecret)
            }
            #expect(stillRevoked?.code == .authFailed)
        }
    }

    @Test("the database refuses a half-written rotation and an old secret equal to the new one")
    func invariants() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            let statements: [PostgresQuery] = [
                "update terminals set previous_secret_hash = secret_hash where name = 'till-1'",
                "update terminals set previous_secret_expires_at = now() where name = 'till-1'",
                "update terminals set previous_secret_hash = secret_hash, previous_secret_expires_at = now() where name = 'till-1'",
                "update terminals set previous_secret_hash = '\\x00'::bytea, previous_secret_expires_at = now() where name = 'till-1'",
            ]
            for statement in statements {
                do {
                    try await db.client.query(statement, logger: db.logger)
                    Issue.record("accepted: \(statement.sql)")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "23514", "\(statement.sql): \(String(reflecting: error))")
                }
            }
            #expect(try await db.scalar("select count(*)::int8 from terminals where previous_secret_hash is not null") == 0)
        }
    }
}

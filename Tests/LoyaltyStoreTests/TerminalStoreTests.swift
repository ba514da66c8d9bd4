import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Terminals (PostgreSQL)", .timeLimit(.minutes(6)))
struct TerminalStoreTests {
    @Test("secrets are stored hashed and checked; any mismatch is the same AUTH_FAILED")
    func authentication() async throws {
        try await withTestDatabase { db in
            let (terminal, secret) = try await db.store.addTerminal(name: "till-1", storeCode: "S1", actor: "test")
            #expect(secret.count >= 40)
            // Nothing stored, in the terminal row or the audit log, contains the secret in clear.
            #expect(try await db.scalar("select count(*)::int8 from terminals t where strpos(t::text, \(secret)) > 0") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log a where strpos(a::text, \(secret)) > 0") == 0)
            #expect(try await db.store.authenticate(terminal: "till-1", secret: secret).id == terminal.id)
            for (name, tried) in [("till-1", secret + "x"), ("till-2", secret), ("till-1", "")] {
                let error = await #expect(throws: LoyaltyError.self) {
                    try await db.store.authenticate(terminal: name, secret: tried)
                }
                #expect(error?.code == .authFailed)
                #expect(error?.message == "unknown terminal or wrong secret")
            }
        }
    }

    @Test("revoked terminals cannot authenticate nor use the ledger; duplicates are refused")
    func revocation() async throws {
        try await withTestDatabase { db in
            let (terminal, secret) = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            let duplicate = await #expect(throws: LoyaltyError.self) {
                try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            }
            #expect(duplicate?.code == .alreadyExists)
            let member = try await db.newMember()
            _ = try await db.store.revokeTerminal(name: "till-1", actor: "test")
            let auth = await #expect(throws: LoyaltyError.self) {
                try await db.store.authenticate(terminal: "till-1", secret: secret)
            }
            #expect(auth?.code == .authFailed)
            let earn = await #expect(throws: LoyaltyError.self) {
                try await db.store.earn(
                    member, points: 1, purchase: nil, receipt: nil,
                    origin: .terminal(id: terminal.id, request: try RequestID(parsing: "r1"), fingerprint: "EARN x"))
            }
            #expect(earn?.code == .authFailed)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action in ('terminal.add', 'terminal.revoke')") == 2)
        }
    }

    @Test("a terminal request is stored once and replayed; another meaning under the same id is a conflict")
    func idempotency() async throws {
        try await withTestDatabase { db in
            let (terminal, _) = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            let member = try await db.newMember()
            let request = try RequestID(parsing: "r-1")
            let origin = Origin.terminal(id: terminal.id, request: request, fingerprint: "EARN number=x points=5")
            let first = try await db.store.earn(member, points: 5, purchase: nil, receipt: nil, origin: origin)
            let again = try await db.store.earn(member, points: 5, purchase: nil, receipt: nil, origin: origin)
            #expect(first.replayed == nil)
            #expect(again.replayed == true)
            #expect(again.entry == first.entry)
            #expect(again.points == 5)
            let conflict = await #expect(throws: LoyaltyError.self) {
                try await db.store.earn(
                    member, points: 6, purchase: nil, receipt: nil,
                    origin: .terminal(id: terminal.id, request: request, fingerprint: "EARN number=x points=6"))
            }
            #expect(conflict?.code == .idempotencyConflict)
            #expect(try await db.scalar("select count(*)::int8 from point_entries") == 1)
        }
    }
}

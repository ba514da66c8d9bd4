import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

@Suite("Audit log reading (PostgreSQL)", .timeLimit(.minutes(6)))
struct AuditStoreTests {
    @Test("filters by actor, action and the actions under it, subject, time and limit; newest first")
    func filters() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "alice")
            _ = try await db.store.addTerminal(name: "till-2", storeCode: nil, actor: "bob")
            _ = try await db.store.rotateTerminal(name: "till-1", grace: .seconds(60), actor: "alice")
            _ = try await db.store.finishTerminalRotation(name: "till-1", actor: "alice")
            _ = try await db.store.revokeTerminal(name: "till-2", actor: "bob")

            let all = try await db.store.auditEntries(AuditQuery())
            #expect(all.map(\.action) == ["terminal.revoke", "terminal.rotate.finish", "terminal.rotate", "terminal.add", "terminal.add"])
            #expect(try await db.store.auditEntries(AuditQuery(actor: "bob")).map(\.subject) == ["till-2", "till-2"])
            #expect(
                try await db.store.auditEntries(AuditQuery(action: "terminal.rotate")).map(\.action)
                    == ["terminal.rotate.finish", "terminal.rotate"])
            #expect(try await db.store.auditEntries(AuditQuery(action: "terminal")).count == 5)
            // A prefix matches whole segments only.
            #expect(try await db.store.auditEntries(AuditQuery(action: "term")).isEmpty)
            #expect(try await db.store.auditEntries(AuditQuery(action: "terminal.rotate.finish")).count == 1)
            #expect(try await db.store.auditEntries(AuditQuery(subject: "till-1")).count == 3)
            #expect(try await db.store.auditEntries(AuditQuery(limit: 2)).map(\.action) == ["terminal.revoke", "terminal.rotate.finish"])
            let rotate = try #require(all.first { $0.action == "terminal.rotate" })
            #expect(rotate.details == .object(["grace_seconds": .integer(60)]))

            #expect(try await db.store.auditEntries(AuditQuery(since: .instant(Date().addingTimeInterval(60)))).isEmpty)
            #expect(try await db.store.auditEntries(AuditQuery(until: .instant(Date().addingTimeInterval(-60)))).isEmpty)
            let today = try CalendarDate(parsing: String(Date().formatted(.iso8601).prefix(10)))
            #expect(try await db.store.auditEntries(AuditQuery(since: .day(today), until: .day(today))).count == 5)
        }
    }
}

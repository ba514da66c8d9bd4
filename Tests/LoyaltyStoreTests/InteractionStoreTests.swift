import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Interactions: notes, calls, complaints and service requests, their status and owner (docs/interactions.md).
@Suite("Interactions (PostgreSQL)", .timeLimit(.minutes(6)))
struct InteractionStoreTests {
    func complaint(_ summary: String = "Parcel arrived broken") -> NewInteraction {
        NewInteraction(kind: .complaint, channel: .phone, summary: summary, body: "Customer says the box was crushed.")
    }

    /// Interactions, audit rows and a checksum of the interactions, to see that a refusal wrote nothing.
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from interactions"),
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(i::text)), 0)::int8 from interactions i"),
        ]
    }

    @Test("add: a note has no status; a complaint starts open, owned by the author or --owner; audited without the text")
    func add() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let note = try await db.store.addInteraction(
                ada, NewInteraction(kind: .note, channel: .store, summary: "Asked about the gold tier"), actor: "bob")
            #expect(note.kind == .note && note.status == nil && note.owner == nil && note.author == "bob" && note.body == "")
            let complaint = try await db.store.addInteraction(ada, complaint(), actor: "bob")
            #expect(complaint.status == .open && complaint.owner == "bob" && complaint.resolvedAt == nil)
            let owned = try await db.store.addInteraction(
                ada, NewInteraction(kind: .serviceRequest, channel: .email, summary: "Change my address", owner: "carol"), actor: "bob")
            #expect(owned.status == .open && owned.owner == "carol")
            let earlier = Date(timeIntervalSinceNow: -3 * 86_400)
            let call = try await db.store.addInteraction(
                ada, NewInteraction(kind: .call, channel: .phone, summary: "Called back", occurredAt: earlier), actor: "bob")
            #expect(abs(call.occurredAt.timeIntervalSince(earlier)) < 1)

            let audits = try await db.texts(
                "select details::text from audit_log where action = 'interaction.add' and actor = 'bob' order by id")
            #expect(audits.count == 4)
            #expect(audits.allSatisfy { !$0.contains("gold tier") && !$0.contains("crushed") && !$0.contains("Parcel") })
            #expect(audits[1].contains("\"body\"") && audits[1].contains("complaint"))

            // Newest first; the call of three days ago last; by kind; limited.
            let all = try await db.store.interactions(of: ada)
            #expect(all.map(\.id) == [owned.id, complaint.id, note.id, call.id])
            #expect(try await db.store.interactions(of: ada, kind: .complaint).map(\.id) == [complaint.id])
            #expect(try await db.store.interactions(of: ada, limit: 1).map(\.id) == [owned.id])
            #expect(try await db.store.interaction(complaint.id).body == "Customer says the box was crushed.")
        }
    }

    @Test("add is refused for a closed member (their history still lists), an owner on a note, a time in the future; nothing is written")
    func addRefusals() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let kept = try await db.store.addInteraction(ada, complaint(), actor: "bob")
            _ = try await db.store.setMemberStatus(ada, to: .closed, reason: nil, actor: "test")
            let before = try await snapshot(db)
            await expectStoreError(.memberInactive) { _ = try await db.store.addInteraction(ada, complaint(), actor: "bob") }
            let bea = try await db.newMember("Bea", "B")
            let afterBea = try await snapshot(db)
            await expectStoreError(.badArgument) {
                _ = try await db.store.addInteraction(
                    bea, NewInteraction(kind: .note, channel: .web, summary: "hello", owner: "carol"), actor: "bob")
            }
            await expectStoreError(.badArgument) {
                _ = try await db.store.addInteraction(
                    bea, NewInteraction(kind: .note, channel: .web, summary: "later", occurredAt: Date(timeIntervalSinceNow: 3600)),
                    actor: "bob")
            }
            await expectStoreError(.badArgument) {
                _ = try await db.store.addInteraction(bea, NewInteraction(kind: .note, channel: .web, summary: ""), actor: "bob")
            }
            await expectStoreError(.notFound) {
                _ = try await db.store.addInteraction(.email(try EmailAddress(parsing: "nobody@example.com")), complaint(), actor: "bob")
            }
            #expect(try await snapshot(db) == afterBea)
            #expect(before[0] == afterBea[0])
            #expect(try await db.store.interactions(of: ada).map(\.id) == [kept.id])
        }
    }

    @Test("update: resolving stamps resolved_at, reopening clears it, the owner changes; audited with field names")
    func update() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let complaint = try await db.store.addInteraction(ada, complaint(), actor: "bob")
            let working = try await db.store.updateInteraction(complaint.id, status: .inProgress, owner: "carol", actor: "dan")
            #expect(working.status == .inProgress && working.owner == "carol" && working.resolvedAt == nil)
            let resolved = try await db.store.updateInteraction(complaint.id, status: .resolved, owner: nil, actor: "carol")
            #expect(resolved.status == .resolved && resolved.owner == "carol" && resolved.resolvedAt != nil)
            let reopened = try await db.store.updateInteraction(complaint.id, status: .open, owner: nil, actor: "carol")
            #expect(reopened.status == .open && reopened.resolvedAt == nil)
            let audits = try await db.texts(
                "select details->>'fields' from audit_log where action = 'interaction.update' order by id")
            #expect(audits == [#"["status", "owner"]"#, #"["status"]"#, #"["status"]"#])
            #expect(try await db.texts("select details->>'status' from audit_log where action = 'interaction.update' order by id")
                == ["in-progress", "resolved", "open"])
        }
    }

    @Test("update is refused for a note, an unknown id, and without changes; nothing is written")
    func updateRefusals() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let note = try await db.store.addInteraction(ada, NewInteraction(kind: .note, channel: .store, summary: "hi"), actor: "bob")
            let before = try await snapshot(db)
            await expectStoreError(.badArgument) { _ = try await db.store.updateInteraction(note.id, status: .resolved, owner: nil, actor: "bob") }
            await expectStoreError(.badArgument) { _ = try await db.store.updateInteraction(note.id, status: nil, owner: "carol", actor: "bob") }
            await expectStoreError(.notFound) { _ = try await db.store.updateInteraction(9_999_999, status: .open, owner: nil, actor: "bob") }
            await expectStoreError(.missingArgument) { _ = try await db.store.updateInteraction(note.id, status: nil, owner: nil, actor: "bob") }
            await expectStoreError(.notFound) { _ = try await db.store.interaction(9_999_999) }
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("the database refuses a case without an owner, a note with a status or owner, and stamps resolved_at itself")
    func databaseInvariants() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let id = try await db.scalar("select id from members limit 1")
            for values in [
                "('complaint', 'phone', 'x', 'y', 'open', null)", "('note', 'phone', 'x', 'y', 'open', 'z')",
                "('note', 'phone', 'x', 'y', null, 'z')", "('complaint', 'fax', 'x', 'y', 'open', 'z')",
            ] {
                await #expect(throws: PSQLError.self) {
                    try await db.client.query(
                        "insert into interactions (member_id, kind, channel, author, summary, status, owner) values (\(id), \(unescaped: String(values.dropFirst().dropLast())))",
                        logger: db.logger)
                }
            }
            let complaint = try await db.store.addInteraction(ada, complaint(), actor: "bob")
            try await db.client.query("update interactions set status = 'resolved' where id = \(complaint.id)", logger: db.logger)
            #expect(try await db.store.interaction(complaint.id).resolvedAt != nil)
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update interactions set status = null where id = \(complaint.id)", logger: db.logger)
            }
        }
    }

    @Test("open cases of all members: unresolved complaints and service requests, oldest first, by owner")
    func openCases() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let bea = try await db.newMember("Bea", "B")
            let old = try await db.store.addInteraction(
                bea, NewInteraction(kind: .serviceRequest, channel: .email, summary: "Card lost", occurredAt: Date(timeIntervalSinceNow: -86_400)),
                actor: "carol")
            let new = try await db.store.addInteraction(ada, complaint(), actor: "bob")
            let done = try await db.store.addInteraction(ada, complaint("Wrong price"), actor: "bob")
            _ = try await db.store.updateInteraction(done.id, status: .resolved, owner: nil, actor: "bob")
            _ = try await db.store.addInteraction(ada, NewInteraction(kind: .note, channel: .store, summary: "hi"), actor: "bob")
            #expect(try await db.store.openCases().map(\.id) == [old.id, new.id])
            #expect(try await db.store.openCases(owner: "bob").map(\.id) == [new.id])
            #expect(try await db.store.openCases(owner: "nobody").isEmpty)
            #expect(try await db.store.openCases(limit: 1).map(\.id) == [old.id])
        }
    }
}

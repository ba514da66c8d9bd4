import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Follow-ups: due days, owners, the lists of what to do, done once (docs/interactions.md).
@Suite("Follow-ups (PostgreSQL)", .timeLimit(.minutes(6)))
struct FollowUpStoreTests {
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from followups"),
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(f::text)), 0)::int8 from followups f"),
        ]
    }

    /// A follow-up due `days` from today, written directly (the store refuses days in the past).
    func insertDue(_ db: TestDatabase, _ member: MemberReference, days: Int, owner: String, title: String) async throws -> Int64 {
        try await db.scalar(
            """
            insert into followups (member_id, due_on, owner, title, created_by)
            values (loyalty_member_id(\(member.kind), \(member.value)), (now() at time zone 'UTC')::date + \(days)::int, \(owner), \(title), 'test')
            returning id
            """)
    }

    @Test("add: today, tomorrow, +Nd and a date in the programme's days; linked to the member's interaction; audited")
    func add() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let call = try await db.store.addInteraction(ada, NewInteraction(kind: .call, channel: .phone, summary: "Asked"), actor: "bob")
            let (day0, day1, day3, day10) = (try await db.dateText(), try await db.dateText(daysFromToday: 1),
                                             try await db.dateText(daysFromToday: 3), try await db.dateText(daysFromToday: 10))
            let today = try await db.store.addFollowUp(ada, due: .daysFromToday(0), owner: "bob", title: "Call back", interaction: call.id, actor: "bob")
            #expect(today.dueOn == day0 && today.interaction == call.id && !today.overdue && today.createdBy == "bob")
            let tomorrow = try await db.store.addFollowUp(ada, due: try DueDate(parsing: "tomorrow"), owner: "carol", title: "Send form", actor: "bob")
            #expect(tomorrow.dueOn == day1 && tomorrow.interaction == nil)
            let later = try await db.store.addFollowUp(ada, due: try DueDate(parsing: "+10d"), owner: "bob", title: "Check", actor: "bob")
            #expect(later.dueOn == day10)
            let day = try CalendarDate(parsing: day3)
            #expect(try await db.store.addFollowUp(ada, due: .on(day), owner: "bob", title: "Visit", actor: "bob").dueOn == day.description)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'followup.add' and subject is not null") == 4)
            #expect(try await db.texts("select details::text from audit_log where action = 'followup.add'").allSatisfy { !$0.contains("Call back") })
        }
    }

    @Test("add is refused for a day in the past, another member's interaction, a closed member; nothing is written")
    func addRefusals() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let bea = try await db.newMember("Bea", "B")
            let beas = try await db.store.addInteraction(bea, NewInteraction(kind: .note, channel: .web, summary: "x"), actor: "bob")
            let before = try await snapshot(db)
            let yesterday = try CalendarDate(parsing: try await db.dateText(daysFromToday: -1))
            await expectStoreError(.badArgument) { _ = try await db.store.addFollowUp(ada, due: .on(yesterday), owner: "bob", title: "t", actor: "bob") }
            await expectStoreError(.badArgument) {
                _ = try await db.store.addFollowUp(ada, due: .daysFromToday(1), owner: "bob", title: "t", interaction: beas.id, actor: "bob")
            }
            await expectStoreError(.badArgument) {
                _ = try await db.store.addFollowUp(ada, due: .daysFromToday(1), owner: "bob", title: "t", interaction: 9_999_999, actor: "bob")
            }
            #expect(try await snapshot(db) == before)
            _ = try await db.store.setMemberStatus(ada, to: .closed, reason: nil, actor: "test")
            let closed = try await snapshot(db)
            await expectStoreError(.memberInactive) { _ = try await db.store.addFollowUp(ada, due: .daysFromToday(1), owner: "bob", title: "t", actor: "bob") }
            #expect(try await snapshot(db) == closed)
            // The database refuses a follow-up naming another member's interaction, written directly.
            await #expect(throws: PSQLError.self) {
                try await db.client.query(
                    """
                    insert into followups (member_id, interaction_id, due_on, owner, title, created_by)
                    values (loyalty_member_id(\(ada.kind), \(ada.value)), \(beas.id), current_date, 'bob', 't', 'bob')
                    """, logger: db.logger)
            }
        }
    }

    @Test("list: by default open ones due today or earlier with overdue flagged; overdue, week, all; by owner and member; done")
    func list() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let bea = try await db.newMember("Bea", "B")
            let late = try await insertDue(db, ada, days: -2, owner: "bob", title: "late")
            let now = try await insertDue(db, bea, days: 0, owner: "carol", title: "now")
            let soon = try await insertDue(db, ada, days: 5, owner: "bob", title: "soon")
            let far = try await insertDue(db, ada, days: 30, owner: "bob", title: "far")
            func ids(_ query: FollowUpQuery) async throws -> [Int64] { try await db.store.followUps(query).map(\.id) }
            let due = try await db.store.followUps(FollowUpQuery())
            #expect(due.map(\.id) == [late, now])
            #expect(due.map(\.overdue) == [true, false])
            #expect(try await ids(FollowUpQuery(window: .overdue)) == [late])
            #expect(try await ids(FollowUpQuery(window: .week)) == [late, now, soon])
            #expect(try await ids(FollowUpQuery(window: .all)) == [late, now, soon, far])
            #expect(try await ids(FollowUpQuery(window: .all, owner: "bob")) == [late, soon, far])
            #expect(try await ids(FollowUpQuery(window: .all, member: bea)) == [now])
            #expect(try await ids(FollowUpQuery(window: .all, limit: 1)) == [late])

            _ = try await db.store.completeFollowUp(late, actor: "bob")
            _ = try await db.store.completeFollowUp(far, actor: "bob")
            #expect(try await ids(FollowUpQuery()) == [now])
            let done = try await db.store.followUps(FollowUpQuery(window: .all, done: true))
            #expect(Set(done.map(\.id)) == [late, far])
            #expect(done.allSatisfy { !$0.overdue && $0.doneBy == "bob" })
        }
    }

    @Test("done stamps the time and actor once; a second done and an unknown id are refused; the database keeps a done one done")
    func done() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            let task = try await db.store.addFollowUp(ada, due: .daysFromToday(0), owner: "bob", title: "Call back", actor: "bob")
            let done = try await db.store.completeFollowUp(task.id, actor: "carol")
            #expect(done.doneAt != nil && done.doneBy == "carol")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'followup.done'") == 1)
            let before = try await snapshot(db)
            let second = await expectStoreError(.badArgument) { _ = try await db.store.completeFollowUp(task.id, actor: "dan") }
            #expect(second?.message.contains("already") == true)
            await expectStoreError(.notFound) { _ = try await db.store.completeFollowUp(9_999_999, actor: "dan") }
            #expect(try await snapshot(db) == before)
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update followups set done_at = null, done_by = null where id = \(task.id)", logger: db.logger)
            }
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update followups set title = 'other' where id = \(task.id)", logger: db.logger)
            }
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update followups set done_by = null where id = \(task.id)", logger: db.logger)
            }
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("the member overview: spendable and pending points, the last 5 purchases, open cases, follow-ups due within 7 days, counts")
    func overview() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember()
            for receipt in 1...6 {
                _ = try await db.store.earn(ada, points: 10, purchase: try eur("10.00"), receipt: "R-\(receipt)", origin: admin)
            }
            let complaint = try await db.store.addInteraction(
                ada, NewInteraction(kind: .complaint, channel: .phone, summary: "Broken"), actor: "bob")
            let fixed = try await db.store.addInteraction(
                ada, NewInteraction(kind: .complaint, channel: .phone, summary: "Late"), actor: "bob")
            _ = try await db.store.updateInteraction(fixed.id, status: .resolved, owner: nil, actor: "bob")
            _ = try await db.store.addInteraction(ada, NewInteraction(kind: .note, channel: .store, summary: "VIP"), actor: "bob")
            let late = try await insertDue(db, ada, days: -1, owner: "bob", title: "late")
            let week = try await insertDue(db, ada, days: 7, owner: "bob", title: "in a week")
            _ = try await insertDue(db, ada, days: 8, owner: "bob", title: "later")

            let overview = try await db.store.memberOverview(ada)
            #expect(overview.spendable == 60 && overview.pending == 0)
            #expect(overview.recentPurchases.map { $0.receipt ?? "" } == ["R-6", "R-5", "R-4", "R-3", "R-2"])
            #expect(overview.recentPurchases.allSatisfy { $0.kind == "sale" && $0.amountMinor == 1000 && $0.currency == "EUR" })
            let todayText = try await db.dateText()
            #expect(overview.recentPurchases.first?.on == todayText)
            #expect(overview.openCases.map(\.id) == [complaint.id])
            #expect(overview.dueFollowups.map(\.id) == [late, week])
            #expect(overview.dueFollowups.map(\.overdue) == [true, false])
            #expect(overview.interactions.total == 3 && overview.interactions.byKind == ["complaint": 2, "note": 1])
            #expect(overview.interactions.lastAt != nil)

            let bea = try await db.newMember("Bea", "B")
            let empty = try await db.store.memberOverview(bea)
            #expect(empty.recentPurchases.isEmpty && empty.openCases.isEmpty && empty.dueFollowups.isEmpty)
            #expect(empty.interactions.total == 0 && empty.interactions.lastAt == nil)
            await expectStoreError(.notFound) { _ = try await db.store.memberOverview(.email(try EmailAddress(parsing: "no@example.com"))) }
        }
    }
}

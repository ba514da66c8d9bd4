import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Birthdays, enrolment anniversaries and the birthday bonus job (docs/interactions.md). The days are
/// given explicitly (in years after the members were created), so that 29 February and the turn of the
/// year are tested whatever the date today.
@Suite("Birthdays and the birthday bonus (PostgreSQL)", .timeLimit(.minutes(6)))
struct BirthdayStoreTests {
    func member(_ db: TestDatabase, _ name: String, born: String) async throws -> MemberReference {
        let result = try await db.store.enroll(
            NewMember(firstName: name, lastName: "Test", birthDate: try CalendarDate(parsing: born)), origin: admin)
        return .number(try MemberNumber(parsing: result.member))
    }

    func day(_ text: String) throws -> CalendarDate { try CalendarDate(parsing: text) }

    /// Ledger entries, bonuses, audit rows: what a dry run or a refusal must leave alone.
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from point_entries"),
            try await db.scalar("select count(*)::int8 from birthday_bonuses"),
            try await db.scalar("select count(*)::int8 from audit_log"),
        ]
    }

    @Test("birthdays within N days: soonest first with the age they turn; 29 February on 28 February in common years; closed left out")
    func upcoming() async throws {
        try await withTestDatabase { db in
            _ = try await member(db, "Leap", born: "2000-02-29")
            _ = try await member(db, "March", born: "1990-03-01")
            _ = try await member(db, "Past", born: "1980-02-25")
            let closed = try await member(db, "Closed", born: "1985-02-27")
            _ = try await db.store.setMemberStatus(closed, to: .closed, reason: nil, actor: "test")
            _ = try await db.store.enroll(NewMember(firstName: "Nobirth", lastName: "Test"), origin: admin)

            let common = try await db.store.upcomingAnniversaries(withinDays: 7, today: try day("2031-02-26"))
            #expect(common.map(\.firstName) == ["Leap", "March"])
            #expect(common.map(\.on) == ["2031-02-28", "2031-03-01"])
            #expect(common.map(\.inDays) == [2, 3])
            #expect(common.map(\.years) == [31, 41])
            let leap = try await db.store.upcomingAnniversaries(withinDays: 7, today: try day("2032-02-26"))
            #expect(leap.map(\.on) == ["2032-02-29", "2032-03-01"])
            // Today counts; the window's last day counts; the day after does not.
            #expect(try await db.store.upcomingAnniversaries(withinDays: 1, today: try day("2031-02-28")).map(\.firstName) == ["Leap", "March"])
            #expect(try await db.store.upcomingAnniversaries(withinDays: 1, today: try day("2031-02-27")).map(\.firstName) == ["Leap"])
            #expect(try await db.store.upcomingAnniversaries(withinDays: 1, today: try day("2031-03-02")).isEmpty)
        }
    }

    @Test("birthdays across the turn of the year, and enrolment anniversaries (one year at least)")
    func yearBoundaryAndAnniversaries() async throws {
        try await withTestDatabase { db in
            _ = try await member(db, "January", born: "1991-01-02")
            _ = try await member(db, "December", born: "1992-12-30")
            let list = try await db.store.upcomingAnniversaries(withinDays: 7, today: try day("2030-12-28"))
            #expect(list.map(\.firstName) == ["December", "January"])
            #expect(list.map(\.on) == ["2030-12-30", "2031-01-02"])
            #expect(list.map(\.years) == [38, 40])

            try await db.client.query(
                "update members set created_at = '2028-02-29 12:00:00+00' where first_name = 'January'", logger: db.logger)
            let anniversaries = try await db.store.upcomingAnniversaries(withinDays: 7, anniversaries: true, today: try day("2031-02-25"))
            #expect(anniversaries.map(\.firstName) == ["January"])
            #expect(anniversaries.map(\.on) == ["2031-02-28"])
            #expect(anniversaries.map(\.years) == [3])
            // Joined today (December): no anniversary today, the first one is a year away.
            #expect(try await db.store.upcomingAnniversaries(withinDays: 1, anniversaries: true).isEmpty)
            await expectStoreError(.badArgument) { _ = try await db.store.upcomingAnniversaries(withinDays: 0) }
            await expectStoreError(.badArgument) { _ = try await db.store.upcomingAnniversaries(withinDays: 367) }
        }
    }

    @Test("the bonus: today and within the catch-up days, active members only, once per year; a dry run and a second run change nothing")
    func bonus() async throws {
        try await withTestDatabase { db in
            let today = try await member(db, "Today", born: "1990-06-10")
            let recent = try await member(db, "Recent", born: "1991-06-03")
            _ = try await member(db, "TooLong", born: "1992-06-02")
            _ = try await member(db, "Tomorrow", born: "1993-06-11")
            let suspended = try await member(db, "Suspended", born: "1994-06-10")
            _ = try await db.store.setMemberStatus(suspended, to: .suspended, reason: nil, actor: "test")
            let rules = try BirthdayBonusRules(points: 100, catchUpDays: 7)
            let on = try day("2030-06-10")

            let before = try await snapshot(db)
            let dry = try await db.store.grantBirthdayBonuses(rules, actor: "job", dryRun: true, today: on)
            #expect(dry == BirthdayBonusRun(granted: 2, points: 200, dryRun: true))
            #expect(try await snapshot(db) == before)

            let run = try await db.store.grantBirthdayBonuses(rules, actor: "job", today: on, batchSize: 1)
            #expect(run.granted == 2 && run.points == 200 && !run.dryRun)
            #expect(try await db.store.member(today).points == 100)
            #expect(try await db.store.member(recent).points == 100)
            #expect(try await db.store.member(suspended).points == 0)
            #expect(try await db.texts("select kind || ' ' || reason || ' ' || admin_actor from point_entries order by id")
                == ["bonus birthday bonus 2030 job", "bonus birthday bonus 2030 job"])
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.birthdays'") == 1)
            let history = try await db.store.history(today, limit: 5)
            #expect(history.entries.map(\.kind) == ["bonus"])

            let again = try await db.store.grantBirthdayBonuses(rules, actor: "job", today: on)
            #expect(again.granted == 0)
            #expect(try await db.scalar("select count(*)::int8 from birthday_bonuses") == 2)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.birthdays'") == 2)

            // Off: nothing at all.
            let off = try await snapshot(db)
            #expect(try await db.store.grantBirthdayBonuses(.standard, actor: "job", today: try day("2030-06-11")).granted == 0)
            #expect(try await snapshot(db) == off)
        }
    }

    @Test("the bonus on 28 February for a 29 February birthday, across the turn of the year, and not for a birthday before joining")
    func bonusDates() async throws {
        try await withTestDatabase { db in
            let leap = try await member(db, "Leap", born: "2000-02-29")
            let december = try await member(db, "December", born: "1990-12-30")
            let rules = try BirthdayBonusRules(points: 50, catchUpDays: 3)
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-02-27")).granted == 0)
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-02-28")).granted == 1)
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-03-01")).granted == 0)
            // The birthday of 2030 fell three days before 2 January 2031: granted for 2030; that of 2031 later.
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-01-02")).granted == 1)
            #expect(try await db.texts("select year::text from birthday_bonuses b join members m on m.id = b.member_id where m.first_name = 'December'") == ["2030"])
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-12-30")).granted == 1)
            #expect(try await db.store.member(december).points == 100)
            #expect(try await db.store.member(leap).points == 50)

            // Joined after the birthday: waits for the next one.
            let joined = try await member(db, "Joined", born: "1995-08-01")
            try await db.client.query(
                "update members set created_at = '2031-08-02 12:00:00+00' where id = loyalty_member_id(\(joined.kind), \(joined.value))",
                logger: db.logger)
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2031-08-03")).granted == 0)
            #expect(try await db.store.grantBirthdayBonuses(rules, actor: "job", today: try day("2032-08-01")).granted == 1)
        }
    }

    @Test("concurrent runs grant each bonus once; the database refuses a second bonus for the year and changes to bonuses")
    func concurrentAndDatabase() async throws {
        try await withTestDatabase { db in
            for index in 0..<20 { _ = try await member(db, "M\(index)", born: "1990-05-0\(index % 3 + 1)") }
            let rules = try BirthdayBonusRules(points: 10, catchUpDays: 7)
            let on = try day("2030-05-03")
            let store = db.store
            let granted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await store.grantBirthdayBonuses(rules, actor: "job", today: on, batchSize: 3).granted }
                }
                return try await group.reduce(0, +)
            }
            #expect(granted == 20)
            #expect(try await db.scalar("select count(*)::int8 from birthday_bonuses") == 20)
            #expect(try await db.scalar("select count(*)::int8 from point_entries where kind = 'bonus'") == 20)
            #expect(try await db.scalar("select sum(balance)::int8 from point_accounts") == 200)

            let entry = try await db.scalar("select max(id)::int8 from point_entries")
            await #expect(throws: PSQLError.self) {
                try await db.client.query(
                    "insert into birthday_bonuses (member_id, year, entry_id) select member_id, 2030, id from point_entries where id = \(entry)",
                    logger: db.logger)
            }
            await #expect(throws: PSQLError.self) { try await db.client.query("delete from birthday_bonuses", logger: db.logger) }
            await #expect(throws: PSQLError.self) { try await db.client.query("update birthday_bonuses set year = 2031", logger: db.logger) }
            // A bonus entry without a reason is refused by the ledger.
            await #expect(throws: PSQLError.self) {
                try await db.client.query(
                    "insert into point_entries (member_id, kind, points, admin_actor) select member_id, 'bonus', 5, 'x' from point_entries limit 1",
                    logger: db.logger)
            }
        }
    }

    @Test("the bonus lot follows the programme's expiry: under a lifetime policy it expires like an earn")
    func bonusExpiry() async throws {
        try await withTestDatabase { db in
            _ = try await member(db, "Today", born: "1990-06-10")
            let rules = try ProgrammeRules(points: try PointRules(pendingDays: 14, expiry: try PointExpiry(policy: "lifetime", months: 12)))
            let store = db.store(rules: rules)
            #expect(try await store.grantBirthdayBonuses(try BirthdayBonusRules(points: 30), actor: "job", today: try day("2030-06-10")).granted == 1)
            // Spendable at once (not a purchase), expiring in 12 months.
            #expect(try await db.scalar("select count(*)::int8 from point_lots where available_at <= now() and expires_at > now() + interval '11 months'") == 1)
            #expect(try await db.scalar("select loyalty_spendable(member_id) from point_lots") == 30)
        }
    }
}

import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Acquisition sources and the source members carry (docs/campaigns.md, "Acquisition sources").
@Suite("Acquisition sources (PostgreSQL)", .timeLimit(.minutes(6)))
struct AcquisitionSourceStoreTests {
    func partner() throws -> AcquisitionSourceDefinition {
        try AcquisitionSourceDefinition(
            code: RecordCode(parsing: "partner-x", argument: "code"), name: "Partner X", channel: "partner",
            startsOn: CalendarDate(parsing: "2026-01-01"), endsOn: CalendarDate(parsing: "2026-03-31"), cost: eur("1500.00"))
    }

    @Test("add, list, show and update a source; a second add of the code and days out of order are refused, audited")
    func sourceRecords() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let added = try await store.addSource(try partner(), actor: "alice")
            #expect(added.code == "partner-x" && added.costMinor == 150_000 && added.currency == "EUR" && added.members == 0)
            #expect(added.startsOn == "2026-01-01" && added.endsOn == "2026-03-31")
            await expectStoreError(.alreadyExists) { _ = try await store.addSource(try partner(), actor: "alice") }
            #expect(try await store.sources().map(\.code) == ["partner-x"])
            let code = try RecordCode(parsing: "partner-x", argument: "code")
            let updated = try await store.updateSource(
                code, AcquisitionSourceUpdate(name: "Partner X (spring)", cost: try eur("1750.50")), actor: "alice")
            #expect(updated.name == "Partner X (spring)" && updated.costMinor == 175_050 && updated.channel == "partner")
            // The CHECK keeps the days in order; nothing changes.
            await expectStoreError(.badArgument) {
                _ = try await store.updateSource(code, AcquisitionSourceUpdate(endsOn: try CalendarDate(parsing: "2025-12-31")), actor: "alice")
            }
            #expect(try await store.source(code).endsOn == "2026-03-31")
            await expectStoreError(.notFound) { _ = try await store.source(try RecordCode(parsing: "nope", argument: "code")) }
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action in ('source.add', 'source.update')") == 2)
        }
    }

    @Test("a member carries a source from enrolment and update; an unknown source is refused and changes nothing")
    func memberSource() async throws {
        try await withTestDatabase { db in
            let store = db.store
            _ = try await store.addSource(try partner(), actor: "alice")
            let code = try RecordCode(parsing: "partner-x", argument: "code")
            let unknown = try RecordCode(parsing: "nowhere", argument: "source")
            let members = try await db.scalar("select count(*)::int8 from members")
            await expectStoreError(.badArgument) {
                _ = try await store.enroll(NewMember(firstName: "Una", lastName: "Known", source: unknown), origin: admin)
            }
            #expect(try await db.scalar("select count(*)::int8 from members") == members)

            let created = try await store.enroll(NewMember(firstName: "Ada", lastName: "Source", source: code), origin: admin)
            let ada = MemberReference.number(try MemberNumber(parsing: created.member))
            #expect(try await store.member(ada).acquisitionSource == "partner-x")
            #expect(try await store.source(code).members == 1)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.source'") == 1)

            var bad = MemberUpdate()
            bad.source = .set(unknown)
            bad.firstName = "Adele"
            await expectStoreError(.badArgument) { _ = try await store.updateMember(ada, bad, actor: "alice") }
            let unchanged = try await store.member(ada)
            #expect(unchanged.firstName == "Ada" && unchanged.acquisitionSource == "partner-x")

            var clear = MemberUpdate()
            clear.source = .clear
            #expect(try await store.updateMember(ada, clear, actor: "alice").acquisitionSource == nil)
            var set = MemberUpdate()
            set.source = .set(code)
            #expect(try await store.updateMember(ada, set, actor: "alice").acquisitionSource == "partner-x")
            // The database refuses a source that does not exist.
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update members set source_id = 999999 where number = \(created.member)", logger: db.logger)
            }

            // A replayed enrolment returns its first outcome and does not set its source again.
            let (terminal, _) = try await store.addTerminal(name: "till-s", storeCode: nil, actor: "test")
            let origin = Origin.terminal(id: terminal.id, request: try RequestID(parsing: "s1"), fingerprint: "ENROLL Till Source")
            let first = try await store.enroll(NewMember(firstName: "Till", lastName: "Source", source: code), origin: origin)
            let till = MemberReference.number(try MemberNumber(parsing: first.member))
            #expect(try await store.member(till).acquisitionSource == "partner-x")
            #expect(try await store.updateMember(till, clear, actor: "alice").acquisitionSource == nil)
            let replay = try await store.enroll(NewMember(firstName: "Till", lastName: "Source", source: code), origin: origin)
            #expect(replay.member == first.member)
            #expect(try await store.member(till).acquisitionSource == nil)
        }
    }

    @Test("report sources: members brought, customers, repeat customers, revenue in the tracker currency, cost; a row without a source")
    func sourceReport() async throws {
        try await withTestDatabase { db in
            let store = db.store
            _ = try await store.addSource(try partner(), actor: "alice")
            _ = try await store.addSource(
                try AcquisitionSourceDefinition(
                    code: RecordCode(parsing: "flyer", argument: "code"), name: "Flyer", channel: "print", startsOn: nil, endsOn: nil,
                    cost: eur("0")),
                actor: "alice")
            let partnerCode = try RecordCode(parsing: "partner-x", argument: "code")
            for (name, source) in [("p1", partnerCode), ("p2", partnerCode), ("p3", partnerCode)] {
                _ = try await store.enroll(NewMember(firstName: name, lastName: "P", externalID: name, source: source), origin: admin)
            }
            _ = try await store.enroll(NewMember(firstName: "n1", lastName: "N", externalID: "n1"), origin: admin)
            // p1 buys on two days (10.00 + 10.00), p2 once (25.00), p3 never; n1 (no source) once 5.00.
            try await db.importSales(customer: "p1", daysFromToday: [-10, -2])
            try await db.importSales(customer: "p2", daysFromToday: [-3], amount: "25.00")
            try await db.importSales(customer: "n1", daysFromToday: [-1], amount: "5.00")
            let report = try await store.sourceReport()
            #expect(report.currency == "EUR")
            #expect(
                report.sources == [
                    SourceReportRow(
                        source: "flyer", name: "Flyer", channel: "print", members: 0, customers: 0, repeatCustomers: 0, revenueMinor: 0,
                        costMinor: 0, costCurrency: "EUR"),
                    SourceReportRow(
                        source: "partner-x", name: "Partner X", channel: "partner", members: 3, customers: 2, repeatCustomers: 1,
                        revenueMinor: 4500, costMinor: 150_000, costCurrency: "EUR"),
                    SourceReportRow(
                        source: nil, name: nil, channel: nil, members: 1, customers: 1, repeatCustomers: 0, revenueMinor: 500,
                        costMinor: nil, costCurrency: nil),
                ])
        }
    }
}

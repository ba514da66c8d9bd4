import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Saved segments, their conditions, counts and exports (docs/purchases.md, "Segments and exports").
@Suite("Segments (PostgreSQL)", .timeLimit(.minutes(6)))
struct SegmentStoreTests {
    /// Member numbers by first name.
    typealias People = [String: String]

    /// Five members:
    ///
    /// - alice: web, email + email consent, tags vip and newsletter, born in July, gold tier, 600 points;
    ///   bought at S1 5, 3 and 1 days ago.
    /// - bob: store, phone + SMS consent, tag vip, born in March, prefers store S2; bought at S1 200 days ago.
    /// - carol: email consent but no address; bought (no store) 100 days ago.
    /// - dave: created by the import; bought 30 and 20 days ago.
    /// - erin: email without consent; no purchases.
    ///
    /// RFM over alice, bob, carol, dave: alice R4 F4 M4 champions, bob R1 F1 M1 lost, carol R2 F1 M1
    /// hibernating, dave R3 F3 M3 needs-attention.
    func people(_ db: TestDatabase) async throws -> People {
        let store = db.store
        _ = try await store.addTier(
            try TierDefinition(code: TierCode(parsing: "base"), name: "Base", rank: 0, threshold: 0, multiplier: PointsMultiplier(percent: 100)),
            actor: "test")
        _ = try await store.addTier(
            try TierDefinition(
                code: TierCode(parsing: "gold"), name: "Gold", rank: 1, threshold: 1_000_000, multiplier: PointsMultiplier(percent: 100)),
            actor: "test")
        var people: People = [:]
        func enroll(_ member: NewMember) async throws {
            people[member.firstName.lowercased()] = try await store.enroll(member, origin: admin).member
        }
        try await enroll(
            NewMember(
                firstName: "Alice", lastName: "A", email: try EmailAddress(parsing: "alice@example.com"),
                birthDate: try CalendarDate(year: 1990, month: 7, day: 15), emailConsent: true, sourceChannel: "web", externalID: "alice",
                tags: ["vip", "newsletter"]))
        try await enroll(
            NewMember(
                firstName: "Bob", lastName: "B", phone: try PhoneNumber(parsing: "+4915112345678", defaultRegion: .unitedStates),
                birthDate: try CalendarDate(year: 1985, month: 3, day: 2), smsConsent: true, preferredStore: "S2", sourceChannel: "store",
                externalID: "bob", tags: ["vip"]))
        try await enroll(NewMember(firstName: "Carol", lastName: "C", emailConsent: true, externalID: "carol"))
        try await enroll(NewMember(firstName: "Erin", lastName: "E", email: try EmailAddress(parsing: "erin@example.com"), externalID: "erin"))
        try await db.importSales(customer: "alice", daysFromToday: [-5, -3, -1], storeCode: "S1")
        try await db.importSales(customer: "bob", daysFromToday: [-200], storeCode: "S1")
        try await db.importSales(customer: "carol", daysFromToday: [-100])
        try await db.importSales(customer: "dave", daysFromToday: [-30, -20])
        people["dave"] = try await db.text("select number from members where external_id = 'dave'")
        let alice = MemberReference.number(try MemberNumber(parsing: people["alice"]!))
        _ = try await store.setMemberTier(alice, tier: try TierCode(parsing: "gold"), reason: "friend", until: nil, actor: "test")
        _ = try await store.adjust(alice, points: 600, reason: "welcome", actor: "test")
        try #require(try await store.member(alice).points == 600)
        try await store.refreshPurchaseMetrics()
        try #require(try await store.scoreRFM() == 4)
        return people
    }

    /// The first names of the active members `filter` selects, sorted.
    func selected(_ db: TestDatabase, _ people: People, _ configure: (inout SegmentFilter) throws -> Void) async throws -> [String] {
        var filter = SegmentFilter()
        try configure(&filter)
        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.value, $0.key) })
        return try await db.store.segmentMemberNumbers(filter).map { names[$0.digits] ?? $0.digits }.sorted()
    }

    @Test("each condition selects what it should: tier, tags, home store, source, birthday month, consent, points")
    func memberConditions() async throws {
        try await withTestDatabase { db in
            let people = try await people(db)
            #expect(try await selected(db, people) { _ in } == ["alice", "bob", "carol", "dave", "erin"])
            #expect(try await selected(db, people) { $0.tiers = ["gold"] } == ["alice"])
            // No tier record: the lowest tier.
            #expect(try await selected(db, people) { $0.tiers = ["base"] } == ["bob", "carol", "dave", "erin"])
            #expect(try await selected(db, people) { $0.tiers = ["base", "gold"] }.count == 5)
            #expect(try await selected(db, people) { $0.tags = ["vip"] } == ["alice", "bob"])
            #expect(try await selected(db, people) { $0.tags = ["vip", "newsletter"] } == ["alice"])
            // Home store: the preferred store, else the store of the first purchase.
            #expect(try await selected(db, people) { $0.stores = ["S1"] } == ["alice"])
            #expect(try await selected(db, people) { $0.stores = ["S2"] } == ["bob"])
            #expect(try await selected(db, people) { $0.stores = ["S1", "S2"] } == ["alice", "bob"])
            #expect(try await selected(db, people) { $0.sources = ["import"] } == ["dave"])
            #expect(try await selected(db, people) { $0.sources = ["web", "store"] } == ["alice", "bob"])
            #expect(try await selected(db, people) { $0.birthdayMonths = [7] } == ["alice"])
            #expect(try await selected(db, people) { $0.birthdayMonths = [3, 7] } == ["alice", "bob"])
            #expect(try await selected(db, people) { $0.birthdayMonths = [12] } == [])
            #expect(try await selected(db, people) { $0.consent = [.email] } == ["alice", "carol"])
            #expect(try await selected(db, people) { $0.consent = [.sms] } == ["bob"])
            #expect(try await selected(db, people) { $0.consent = [.email, .sms] } == [])
            #expect(try await selected(db, people) { $0.points = try ScoreRange(min: 500, max: nil) } == ["alice"])
            #expect(try await selected(db, people) { $0.points = try ScoreRange(min: nil, max: 0) } == ["bob", "carol", "dave", "erin"])
            #expect(try await selected(db, people) { $0.points = try ScoreRange(min: 600, max: 600) } == ["alice"])
            // All conditions must hold.
            #expect(try await selected(db, people) { $0.tags = ["vip"]; $0.consent = [.sms] } == ["bob"])
        }
    }

    @Test("purchase conditions: RFM segment, score ranges, lapse state, days since the last purchase")
    func purchaseConditions() async throws {
        try await withTestDatabase { db in
            let people = try await people(db)
            #expect(try await selected(db, people) { $0.rfmSegments = [.champions] } == ["alice"])
            #expect(try await selected(db, people) { $0.rfmSegments = [.champions, .lost] } == ["alice", "bob"])
            #expect(try await selected(db, people) { $0.rfmSegments = [.hibernating] } == ["carol"])
            #expect(try await selected(db, people) { $0.rfmSegments = [.needsAttention] } == ["dave"])
            #expect(try await selected(db, people) { $0.recency = try ScoreRange(min: 3, max: nil) } == ["alice", "dave"])
            #expect(try await selected(db, people) { $0.recency = try ScoreRange(min: nil, max: 2) } == ["bob", "carol"])
            #expect(try await selected(db, people) { $0.frequency = try ScoreRange(min: nil, max: 1) } == ["bob", "carol"])
            #expect(try await selected(db, people) { $0.monetary = try ScoreRange(min: 3, max: 3) } == ["dave"])
            #expect(try await selected(db, people) { $0.monetary = try ScoreRange(min: 4, max: 5) } == ["alice"])
            #expect(try await selected(db, people) { $0.lapse = [.never] } == ["erin"])
            #expect(try await selected(db, people) { $0.lapse = [.lapsed] } == ["bob"])
            #expect(try await selected(db, people) { $0.lapse = [.atRisk] } == ["carol"])
            #expect(try await selected(db, people) { $0.lapse = [.active] } == ["alice", "dave"])
            #expect(try await selected(db, people) { $0.lapse = [.lapsed, .never] } == ["bob", "erin"])
            #expect(try await selected(db, people) { $0.daysSincePurchase = try ScoreRange(min: 100, max: nil) } == ["bob", "carol"])
            #expect(try await selected(db, people) { $0.daysSincePurchase = try ScoreRange(min: nil, max: 10) } == ["alice"])
            #expect(try await selected(db, people) { $0.daysSincePurchase = try ScoreRange(min: 20, max: 100) } == ["carol", "dave"])
            #expect(try await selected(db, people) { $0.daysSincePurchase = try ScoreRange(min: 1, max: 1) } == ["alice"])
            // Under another lapse rule, the states follow that rule.
            let strict = try db.trackerStore(lapse: try LapseRule(kind: .days, days: 25, atRiskPercent: 10))
            let numbers = try await strict.segmentMemberNumbers({
                var filter = SegmentFilter()
                filter.lapse = [.lapsed]
                return filter
            }())
            #expect(Set(numbers.map(\.digits)) == Set([people["bob"]!, people["carol"]!]))
        }
    }

    @Test("new purchases are folded in before a segment is evaluated")
    func foldsInQueue() async throws {
        try await withTestDatabase { db in
            let people = try await people(db)
            #expect(try await selected(db, people) { $0.lapse = [.never] } == ["erin"])
            try await db.importSales(customer: "erin", daysFromToday: [0])
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 1)
            #expect(try await selected(db, people) { $0.lapse = [.never] } == [])
            #expect(try await selected(db, people) { $0.daysSincePurchase = try ScoreRange(min: 0, max: 0) } == ["erin"])
        }
    }

    @Test("save, replace, duplicate name, delete; unknown tiers refused; each change audited")
    func saveAndDelete() async throws {
        try await withTestDatabase { db in
            let store = db.store
            _ = try await store.addTier(
                try TierDefinition(code: TierCode(parsing: "base"), name: "Base", rank: 0, threshold: 0, multiplier: PointsMultiplier(percent: 100)),
                actor: "test")
            let name = try SegmentName(parsing: "WinBack")
            #expect(name.value == "winback")
            var filter = SegmentFilter()
            filter.lapse = [.lapsed]
            filter.consent = [.email]
            let saved = try await store.saveSegment(name, description: "Lapsed, reachable by email", filter: filter, replace: false, actor: "alice")
            #expect(saved.name == "winback" && saved.description == "Lapsed, reachable by email" && saved.filter == filter)
            #expect(saved.createdBy == "alice")
            #expect(try await store.segment(name) == saved)

            var other = SegmentFilter()
            other.tiers = ["base"]
            let duplicate = await expectStoreError(.alreadyExists) {
                _ = try await store.saveSegment(name, description: "x", filter: other, replace: false, actor: "alice")
            }
            #expect(duplicate?.message.contains("--replace") == true)
            #expect(try await store.segment(name).filter == filter)

            let replaced = try await store.saveSegment(name, description: "Base tier", filter: other, replace: true, actor: "bob")
            #expect(replaced.filter == other && replaced.description == "Base tier" && replaced.createdBy == "alice")
            #expect(replaced.createdAt == saved.createdAt && replaced.updatedAt >= saved.updatedAt)

            var unknown = SegmentFilter()
            unknown.tiers = ["base", "platinum"]
            let refused = await expectStoreError(.badArgument) {
                _ = try await store.saveSegment(try SegmentName(parsing: "plat"), description: "", filter: unknown, replace: false, actor: "alice")
            }
            #expect(refused?.message.contains("platinum") == true)
            _ = try await store.saveSegment(try SegmentName(parsing: "all"), description: "", filter: SegmentFilter(), replace: false, actor: "alice")
            #expect(try await store.segments().map(\.name) == ["all", "winback"])

            try await store.deleteSegment(name, actor: "carol")
            await expectStoreError(.notFound) { try await store.deleteSegment(name, actor: "carol") }
            await expectStoreError(.notFound) { _ = try await store.segment(name) }
            #expect(try await store.segments().map(\.name) == ["all"])
            #expect(
                try await db.texts("select action || ' ' || actor || ' ' || subject from audit_log where action like 'segment.%' order by id")
                    == ["segment.create alice winback", "segment.update bob winback", "segment.create alice all", "segment.delete carol winback"])
            let details = try await db.texts("select details::text from audit_log where action = 'segment.create' order by id")
            #expect(details.first?.contains("\"lapse\": [\"lapsed\"]") == true)

            expectError(.badArgument) { () throws(LoyaltyError) in try SegmentName(parsing: "win back") }
            expectError(.badArgument) { () throws(LoyaltyError) in try SegmentName(parsing: "-x") }
        }
    }

    @Test("count: members selected whatever their status, the closed among them, and who each channel reaches")
    func count() async throws {
        try await withTestDatabase { db in
            let people = try await people(db)
            let store = db.store
            let all = try await store.countSegment(SegmentFilter())
            // Email: alice (erin has no consent, carol no address). SMS: bob.
            #expect(all == SegmentCount(members: 5, closed: 0, emailReachable: 1, smsReachable: 1))
            let bob = MemberReference.number(try MemberNumber(parsing: people["bob"]!))
            let alice = MemberReference.number(try MemberNumber(parsing: people["alice"]!))
            _ = try await store.setMemberStatus(bob, to: .closed, reason: "moved", actor: "test")
            _ = try await store.setMemberStatus(alice, to: .suspended, reason: "check", actor: "test")
            #expect(try await store.countSegment(SegmentFilter()) == SegmentCount(members: 5, closed: 1, emailReachable: 0, smsReachable: 0))
            var vip = SegmentFilter()
            vip.tags = ["vip"]
            #expect(try await store.countSegment(vip) == SegmentCount(members: 2, closed: 1, emailReachable: 0, smsReachable: 0))
            // Grants go to active members only.
            #expect(try await store.segmentMemberNumbers(vip).isEmpty)
        }
    }

    @Test("export: only active, consented members with an address; the others counted by reason; audited")
    func export() async throws {
        try await withTestDatabase { db in
            let people = try await people(db)
            let store = db.store
            // Frank: active, consented, with an address, but closed. Grace: the same, suspended.
            for (first, status) in [("Frank", MemberStatus.closed), ("Grace", .suspended)] {
                let result = try await store.enroll(
                    NewMember(
                        firstName: first, lastName: "X", email: try EmailAddress(parsing: "\(first.lowercased())@example.com"), emailConsent: true),
                    origin: admin)
                _ = try await store.setMemberStatus(.number(try MemberNumber(parsing: result.member)), to: status, reason: "r", actor: "test")
            }
            var rows: [SegmentExportRow] = []
            let summary = try await store.exportSegment(SegmentFilter(), name: "everyone", channel: .email, actor: "marketing") { row in
                rows.append(row)
            }
            #expect(summary.exported == 1)
            // bob and dave: no consent to email; erin: no consent; carol: no address.
            #expect(summary.leftOut == ["closed": 1, "suspended": 1, "no consent": 3, "no address": 1])
            let row = try #require(rows.first)
            let yesterday = try await db.dateText(daysFromToday: -1)
            #expect(
                row
                    == SegmentExportRow(
                        member: people["alice"]!, firstName: "Alice", lastName: "A", address: "alice@example.com", tier: "gold", points: 600,
                        lastPurchase: yesterday, rfmSegment: "champions", lapseState: "active"))

            var sms: [SegmentExportRow] = []
            let bySMS = try await store.exportSegment(SegmentFilter(), name: "everyone", channel: .sms, actor: "marketing") { sms.append($0) }
            #expect(bySMS.exported == 1 && sms.map(\.member) == [people["bob"]!] && sms.first?.address == "+4915112345678")
            #expect(sms.first?.tier == "base" && sms.first?.lapseState == "lapsed" && sms.first?.rfmSegment == "lost")
            #expect(bySMS.leftOut == ["closed": 1, "suspended": 1, "no consent": 4])

            let audit = try await db.texts(
                """
                select actor || ' ' || subject || ' ' || (details ->> 'channel') || ' ' || (details ->> 'exported') || ' '
                       || (details #>> '{leftOut,no consent}')
                  from audit_log where action = 'segment.export' order by id
                """)
            #expect(audit == ["marketing everyone email 1 3", "marketing everyone sms 1 4"])
        }
    }
}

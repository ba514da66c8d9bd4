import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `loyalty_transfer_points` (migration 0025): spendable points from one active member to another, as a pair
/// of `transfer` entries in one transaction, within the programme's limits, audited.
@Suite("Point transfers (PostgreSQL)", .timeLimit(.minutes(6)))
struct PointTransferStoreTests {
    /// Rules with the given transfer limits and points settings.
    static func rules(
        minimum: Int64 = 10, maximum: Int64 = 10_000, per30Days: Int64 = 20_000, pendingDays: Int = 0, expiry: PointExpiry = .never
    ) throws -> ProgrammeRules {
        try ProgrammeRules(
            points: PointRules(pendingDays: pendingDays, expiry: expiry),
            transfers: TransferRules(minimumPoints: minimum, maximumPoints: maximum, maximumPer30Days: per30Days))
    }

    @Test("a transfer moves the points as a pair of entries, opens the receiver's lot, and is audited")
    func happyPath() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules())
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            let earn = try await store.earn(ada, points: 300, purchase: nil, receipt: nil, origin: admin)

            let result = try await store.transferPoints(
                from: ada, to: bob, points: 120, note: "household", requestID: nil, actor: "alice")
            #expect(result.from == ada.text && result.to == bob.text && result.points == 120 && result.note == "household")
            #expect(result.fromPoints == 180 && result.toPoints == 120)
            #expect(result.toEntries.count == 1 && result.lots.map(\.points) == [120] && result.lots.map(\.expiresAt) == [nil])
            #expect(result.replayed == nil && result.requestID == nil)

            let adaCard = try await store.memberCard(ada, terminal: nil)
            let bobCard = try await store.memberCard(bob, terminal: nil)
            #expect(adaCard.points == 180 && adaCard.spendable == 180)
            #expect(bobCard.points == 120 && bobCard.spendable == 120 && bobCard.pending == 0)

            // The pair of entries, each naming the transfer; the receiver's reason names the sender.
            let entries = try await db.texts(
                """
                select m.number || ' ' || e.kind || ' ' || e.points || ' ' || e.reason || ' ' || e.admin_actor
                  from point_entries e join members m on m.id = e.member_id
                 where e.transfer_id = \(result.transfer) order by e.id
                """)
            #expect(entries == [
                "\(ada.text) transfer -120 transfer to \(bob.text): household alice",
                "\(bob.text) transfer 120 transfer from \(ada.text): household alice",
            ])
            #expect(try await db.scalar("select id from point_entries where transfer_id = \(result.transfer) and points < 0") == result.fromEntry)
            // Lots: the sender's consumed, the receiver's opened, spendable now.
            #expect(try await db.scalar("select remaining from point_lots where entry_id = \(try #require(earn.entry))") == 180)
            #expect(try await db.scalar("select count(*)::int8 from point_lots where entry_id = \(result.toEntries[0]) and remaining = 120 and available_at <= now() and expires_at is null") == 1)

            let audit = try await db.texts(
                "select actor || ' ' || action || ' ' || subject || ' ' || (details - 'transfer')::text from audit_log where action = 'points.transfer'")
            #expect(audit == ["alice points.transfer \(ada.text) {\"to\": \"\(bob.text)\", \"from\": \"\(ada.text)\", \"note\": \"household\", \"points\": 120}"])

            // The outbox tells both entries, each naming the transfer.
            #expect(
                try await db.texts(
                    "select type || ' ' || (data->>'points') || ' ' || (data->>'transfer') from events where type like 'points.transfer%' order by id"
                ) == ["points.transferred -120 \(result.transfer)", "points.transferred 120 \(result.transfer)"])

            let history = try await store.history(bob, limit: 5)
            #expect(history.entries.map(\.kind) == ["transfer"])
            #expect(history.entries.first?.points == 120 && history.entries.first?.balance == 120)
            #expect(try await store.history(ada, limit: 5).entries.map(\.kind) == ["transfer", "earn"])
            try await expectChecksHold(store)
        }
    }

    @Test("every refusal has its code and changes nothing")
    func refusalsChangeNothing() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(minimum: 10, maximum: 500, per30Days: 600, pendingDays: 14))
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            let cy = try await db.newMember("Cy", "Lovelace")
            _ = try await store.earn(ada, points: 400, purchase: nil, receipt: nil, origin: admin)
            // Pending: a purchase's 200 points wait out the 14-day return window.
            _ = try await store.earn(ada, points: 200, purchase: try eur("200.00"), receipt: "R-1", origin: admin)
            _ = try await store.transferPoints(from: ada, to: cy, points: 150, note: nil, requestID: nil, actor: "test")
            _ = try await store.setMemberStatus(cy, to: .suspended, reason: "dispute", actor: "test")
            let nobody = MemberReference.email(try EmailAddress(parsing: "nobody@example.com"))
            let before = try await Self.snapshot(db)

            let cases: [(LoyaltyError.Code, MemberReference, MemberReference, Int64, String)] = [
                (.badArgument, ada, ada, 50, "itself"),
                (.badArgument, ada, bob, 5, "at least 10"),
                (.badArgument, ada, bob, 501, "at most 500"),
                (.badArgument, ada, bob, 0, "positive"),
                (.notFound, ada, nobody, 50, "email"),
                (.notFound, nobody, bob, 50, "email"),
                (.memberInactive, ada, cy, 50, "(the receiver) is suspended"),
                (.memberInactive, cy, bob, 50, "(the sender) is suspended"),
                // 250 spendable of a balance of 450: the pending 200 are not transferable.
                (.insufficientPoints, ada, bob, 300, "250 of the balance of 450 points can be transferred now, 300 requested"),
                // 150 sent already; 600 in 30 days at most.
                (.rateLimited, ada, bob, 460, "150 sent, 460 requested"),
            ]
            for (code, from, to, points, message) in cases {
                let error = await expectStoreError(code) {
                    _ = try await store.transferPoints(from: from, to: to, points: points, note: nil, requestID: nil, actor: "test")
                }
                #expect(error?.message.contains(message) == true, "\(String(describing: error))")
                #expect(try await Self.snapshot(db) == before, "\(code) \(message) changed something")
            }
            // A point past its expiry date is not transferable either, before the expiry job has run.
            let lifetime = db.store(rules: try Self.rules(expiry: .lifetime(months: 1)))
            _ = try await lifetime.earn(bob, points: 80, purchase: nil, receipt: nil, origin: admin)
            try await db.travel(days: 40)
            let expired = await expectStoreError(.insufficientPoints) {
                _ = try await lifetime.transferPoints(from: bob, to: ada, points: 50, note: nil, requestID: nil, actor: "test")
            }
            #expect(expired?.message.contains("0 of the balance of 80") == true, "\(String(describing: expired))")
            try await expectChecksHold(store)
        }
    }

    @Test("limits: the minimum and maximum per transfer, and the sender's rolling 30 days")
    func limits() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(minimum: 10, maximum: 100, per30Days: 150))
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            _ = try await store.earn(ada, points: 1000, purchase: nil, receipt: nil, origin: admin)
            _ = try await store.earn(bob, points: 1000, purchase: nil, receipt: nil, origin: admin)
            func send(_ points: Int64, from: MemberReference? = nil) async throws {
                _ = try await store.transferPoints(from: from ?? ada, to: from == nil ? bob : ada, points: points, note: nil, requestID: nil, actor: "test")
            }
            try await send(10)
            try await send(100)
            await expectStoreError(.rateLimited) { try await send(41) }
            try await send(40)  // exactly 150 in 30 days
            await expectStoreError(.rateLimited) { try await send(10) }
            await expectStoreError(.badArgument) { try await send(9) }
            await expectStoreError(.badArgument) { try await send(101) }
            // The allowance is the sender's: Bob may still send, and receiving does not use Ada's.
            try await send(100, from: bob)
            await expectStoreError(.rateLimited) { try await send(10) }
            // Thirty days on, the first transfers have left the window.
            try await db.travel(days: 31)
            try await send(100)
            try await send(50)
            await expectStoreError(.rateLimited) { try await send(10) }
            #expect(try await store.memberCard(ada, terminal: nil).points == 1000 - 300 + 100)
            try await expectChecksHold(store)
        }
    }

    @Test("the receiver's points keep the expiry dates of the sender's lots, soonest first; pending points stay")
    func lifetimeExpiryFollowsTheLots() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(pendingDays: 14, expiry: .lifetime(months: 12)))
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            let first = try await store.earn(ada, points: 100, purchase: nil, receipt: nil, origin: admin)
            try await db.travel(days: 100)
            let second = try await store.earn(ada, points: 50, purchase: nil, receipt: nil, origin: admin)
            _ = try await store.earn(ada, points: 70, purchase: try eur("70.00"), receipt: "R-1", origin: admin)  // pending

            await expectStoreError(.insufficientPoints) {
                _ = try await store.transferPoints(from: ada, to: bob, points: 151, note: nil, requestID: nil, actor: "test")
            }
            let result = try await store.transferPoints(from: ada, to: bob, points: 120, note: nil, requestID: nil, actor: "test")
            #expect(result.lots.map(\.points) == [100, 20])
            let firstExpiry = try await db.texts("select loyalty_json_time(expires_at) from point_lots where entry_id = \(try #require(first.entry))")
            let secondExpiry = try await db.texts("select loyalty_json_time(expires_at) from point_lots where entry_id = \(try #require(second.entry))")
            #expect(result.lots.map(\.expiresAt) == [firstExpiry.first, secondExpiry.first])
            #expect(
                try await db.texts(
                    """
                    select l.points || ' ' || loyalty_json_time(l.expires_at) from point_lots l
                      join point_entries e on e.id = l.entry_id where e.transfer_id = \(result.transfer) order by l.expires_at
                    """) == ["100 \(firstExpiry[0])", "20 \(secondExpiry[0])"])
            // The sender spent the soonest-expiring points first and kept the pending ones.
            let adaCard = try await store.memberCard(ada, terminal: nil)
            #expect(adaCard.points == 100 && adaCard.pending == 70 && adaCard.spendable == 30)
            #expect(try await db.scalar("select remaining from point_lots where entry_id = \(try #require(first.entry))") == 0)
            #expect(try await db.scalar("select remaining from point_lots where entry_id = \(try #require(second.entry))") == 30)
            #expect(try await store.memberCard(bob, terminal: nil).spendable == 120)

            // The receiver's 100 expire when the sender's would have, a year after the first earn.
            try await db.travel(days: 270)
            #expect(try await store.expirePoints(actor: "job").points == 100)
            #expect(try await store.memberCard(bob, terminal: nil).points == 20)
            try await expectChecksHold(store)
        }
    }

    @Test("under the inactivity policy the received points expire no later than the sender's balance would have")
    func inactivityDeadline() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(expiry: .inactivity(months: 6)))
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            _ = try await store.earn(ada, points: 100, purchase: nil, receipt: nil, origin: admin)
            try await db.travel(days: 100)
            let result = try await store.transferPoints(from: ada, to: bob, points: 40, note: nil, requestID: nil, actor: "test")
            let deadline = try await db.texts(
                """
                select loyalty_json_time(last_activity_at + interval '6 months') from point_accounts
                 where member_id = (select member_id from point_entries where id = \(result.fromEntry))
                """)
            #expect(result.lots.map(\.expiresAt) == deadline)
            // A transfer is not activity: the sender's clock did not move (the deadline is still the earn's + 6 months).
            #expect(try await db.scalar("select count(*)::int8 from point_accounts where last_activity_at > now() - interval '1 day'") == 0)

            // Bob is active (an earn on day 150); on day 190 Ada's balance is due and cannot be sent.
            try await db.travel(days: 50)
            _ = try await store.earn(bob, points: 5, purchase: nil, receipt: nil, origin: admin)
            try await db.travel(days: 40)
            let due = await expectStoreError(.insufficientPoints) {
                _ = try await store.transferPoints(from: ada, to: bob, points: 10, note: nil, requestID: nil, actor: "test")
            }
            #expect(due?.message.contains("due to expire") == true, "\(String(describing: due))")
            // The job expires Ada's balance for inactivity and Bob's transferred points on their date; Bob keeps his own 5.
            let run = try await store.expirePoints(actor: "job")
            #expect(run.points == 100)
            #expect(try await store.memberCard(ada, terminal: nil).points == 0)
            #expect(try await store.memberCard(bob, terminal: nil).points == 5)
            try await expectChecksHold(store)
        }
    }

    @Test("transferred points do not qualify for tiers and cannot be reversed as an earn")
    func notQualifyingNotReversible() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules())
            _ = try await store.seedTiers(
                [
                    try TierDefinition(code: .init(parsing: "member"), name: "Member", rank: 0, threshold: 0, multiplier: .init(percent: 100)),
                    try TierDefinition(code: .init(parsing: "silver"), name: "Silver", rank: 1, threshold: 100, multiplier: .init(percent: 100)),
                    try TierDefinition(code: .init(parsing: "gold"), name: "Gold", rank: 2, threshold: 1000, multiplier: .init(percent: 100)),
                ], actor: "test")
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            let earn = try await store.earn(ada, points: 150, purchase: try eur("150.00"), receipt: "R-1", origin: admin)
            #expect(earn.tier == "silver")

            let result = try await store.transferPoints(from: ada, to: bob, points: 150, note: nil, requestID: nil, actor: "test")
            let bobCard = try await store.memberCard(bob, terminal: nil)
            #expect(bobCard.points == 150 && bobCard.tier == "member" && bobCard.nextTier == "silver" && bobCard.toNext == 100)
            // Spending points does not lower the sender's qualifying points either.
            let adaCard = try await store.memberCard(ada, terminal: nil)
            #expect(adaCard.points == 0 && adaCard.tier == "silver" && adaCard.toNext == 850)
            #expect(try await db.scalar("select count(*)::int8 from point_entry_items where entry_id in (select id from point_entries where kind = 'transfer')") == 0)
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where member_id = (select member_id from point_entries where id = \(result.toEntries[0]))") == 0)
            // A later purchase by Bob qualifies by its own base points only.
            let bobEarn = try await store.earn(bob, points: 60, purchase: try eur("60.00"), receipt: "R-2", origin: admin)
            #expect(bobEarn.tier == "member" && bobEarn.toNext == 40)

            for entry in [result.toEntries[0], result.fromEntry] {
                await expectStoreError(.notFound) {
                    _ = try await store.reverse(earn: .entry(entry), extent: .full, origin: admin)
                }
            }
            #expect(try await store.memberCard(bob, terminal: nil).points == 210)
            try await expectChecksHold(store)
        }
    }

    @Test("a request id makes a retry replay the transfer; another transfer under it is a conflict")
    func requestIDReplays() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules())
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            _ = try await store.earn(ada, points: 100, purchase: nil, receipt: nil, origin: admin)
            let id = try RequestID(parsing: "t-1")
            // Refused first (not enough points): nothing is stored, so the retry after a top-up goes through.
            await expectStoreError(.insufficientPoints) {
                _ = try await store.transferPoints(from: ada, to: bob, points: 150, note: "gift", requestID: id, actor: "test")
            }
            _ = try await store.earn(ada, points: 100, purchase: nil, receipt: nil, origin: admin)
            let first = try await store.transferPoints(from: ada, to: bob, points: 150, note: "gift", requestID: id, actor: "test")
            #expect(first.replayed == nil && first.requestID == "t-1")
            let again = try await store.transferPoints(from: ada, to: bob, points: 150, note: "gift", requestID: id, actor: "other")
            #expect(again.replayed == true)
            var replay = again
            replay.replayed = nil
            #expect(replay == first)
            // Also once the limits have changed: the retry gets the outcome, not a refusal.
            let stricter = db.store(rules: try Self.rules(minimum: 10, maximum: 100, per30Days: 100))
            #expect(try await stricter.transferPoints(from: ada, to: bob, points: 150, note: " gift ", requestID: id, actor: "test").replayed == true)
            #expect(try await db.scalar("select count(*)::int8 from point_transfers") == 1)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'points.transfer'") == 1)
            #expect(try await store.memberCard(ada, terminal: nil).points == 50)
            for (points, note) in [(Int64(151), "gift"), (150, "other")] {
                await expectStoreError(.idempotencyConflict) {
                    _ = try await store.transferPoints(from: ada, to: bob, points: points, note: note, requestID: id, actor: "test")
                }
            }
            await expectStoreError(.idempotencyConflict) {
                _ = try await store.transferPoints(from: bob, to: ada, points: 150, note: "gift", requestID: id, actor: "test")
            }
            try await expectChecksHold(store)
        }
    }

    @Test("opposite transfers between the same two members, run concurrently many times, never deadlock")
    func oppositeTransfersDoNotDeadlock() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(minimum: 1, maximum: 1000, per30Days: 1_000_000))
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Lovelace")
            _ = try await store.earn(ada, points: 5000, purchase: nil, receipt: nil, origin: admin)
            _ = try await store.earn(bob, points: 5000, purchase: nil, receipt: nil, origin: admin)
            let rounds = 40
            // Two workers each way, on the test client's four connections: every transfer takes both locks.
            let failures = await withTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var failures: [String] = []
                        let (from, to, points): (MemberReference, MemberReference, Int64) =
                            worker % 2 == 0 ? (ada, bob, 7) : (bob, ada, 5)
                        for _ in 0..<rounds {
                            do {
                                _ = try await store.transferPoints(from: from, to: to, points: points, note: nil, requestID: nil, actor: "w\(worker)")
                            } catch {
                                failures.append("\(error)")
                            }
                        }
                        return failures
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            let failed = failures.count
            #expect(failed == 0, "\(failed) transfers failed, e.g. \(failures.prefix(3))")
            #expect(try await db.scalar("select count(*)::int8 from point_transfers") == Int64(4 * rounds))
            #expect(try await store.memberCard(ada, terminal: nil).points == 5000 - 2 * Int64(rounds) * 7 + 2 * Int64(rounds) * 5)
            #expect(try await store.memberCard(bob, terminal: nil).points == 5000 + 2 * Int64(rounds) * 7 - 2 * Int64(rounds) * 5)
            try await expectChecksHold(store)
        }
    }

    @Test("property: random earns, redemptions, transfers, expiry runs and days passing keep loyalty_check clean", arguments: [31, 32, 33])
    func randomSequences(seed: UInt64) async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try Self.rules(minimum: 5, maximum: 150, per30Days: 300, pendingDays: 5, expiry: .lifetime(months: 2)))
            var random = SplitMix64(seed: seed)
            var members: [MemberReference] = []
            for index in 0..<3 { members.append(try await db.newMember("P\(index)", "Transfer")) }
            func pick() -> MemberReference { members[Int(random.next() % UInt64(members.count))] }

            for step in 0..<120 {
                let member = pick()
                switch random.next() % 8 {
                case 0:
                    let amount = Money(minorUnits: Int64(random.next() % 20_000), currency: .euro)
                    _ = try await store.earn(member, points: try EarnRates.standard.points(for: amount), purchase: amount, receipt: nil, origin: admin)
                case 1:
                    _ = try await store.earn(member, points: Int64(random.next() % 100) + 1, purchase: nil, receipt: nil, origin: admin)
                case 2:
                    let points = Int64(random.next() % 100) + 1
                    let before = try await store.memberCard(member, terminal: nil)
                    do {
                        _ = try await store.redeem(member, points: points, receipt: nil, origin: admin)
                    } catch let error as LoyaltyError {
                        #expect(error.code == .insufficientPoints && points > before.spendable, "step \(step): \(error)")
                    }
                case 3, 4, 5:
                    let receiver = pick()
                    let points = Int64(random.next() % 170) + 1
                    let sender = try await store.memberCard(member, terminal: nil)
                    let other = try await store.memberCard(receiver, terminal: nil)
                    let sent = try await db.scalar(
                        """
                        select coalesce(sum(points), 0)::int8 from point_transfers
                         where from_member_id = (select id from members where number = \(sender.number)) and at > now() - interval '30 days'
                        """)
                    do {
                        let result = try await store.transferPoints(from: member, to: receiver, points: points, note: nil, requestID: nil, actor: "test")
                        #expect(sender.number != other.number && (5...150).contains(points) && points <= sender.spendable && sent + points <= 300, "step \(step)")
                        #expect(result.lots.map(\.points).reduce(0, +) == points, "step \(step)")
                        let senderAfter = try await store.memberCard(member, terminal: nil)
                        let otherAfter = try await store.memberCard(receiver, terminal: nil)
                        #expect(senderAfter.spendable == sender.spendable - points && senderAfter.pending == sender.pending, "step \(step)")
                        #expect(otherAfter.spendable == other.spendable + points && otherAfter.pending == other.pending, "step \(step)")
                        // A received lot never outlives the latest of the sender's lots it came from.
                        #expect(
                            try await db.scalar(
                                """
                                select count(*)::int8 from point_lots l join point_entries e on e.id = l.entry_id
                                 where e.transfer_id = \(result.transfer) and l.expires_at > (
                                     select max(s.expires_at) from point_lots s where s.member_id = (select member_id from point_entries where id = \(result.fromEntry)))
                                """) == 0, "step \(step)")
                    } catch let error as LoyaltyError {
                        let expected: LoyaltyError.Code =
                            sender.number == other.number || !(5...150).contains(points) ? .badArgument
                            : sent + points > 300 ? .rateLimited : .insufficientPoints
                        #expect(error.code == expected, "step \(step): \(error)")
                        if error.code == .insufficientPoints { #expect(points > sender.spendable, "step \(step)") }
                    }
                case 6:
                    _ = try await store.expirePoints(actor: "job")
                default:
                    try await db.travel(days: Int(random.next() % 15))
                }
                try await expectChecksHold(store, "step \(step)")
            }
            #expect(try await db.scalar("select count(*)::int8 from point_transfers") > 0)
        }
    }

    /// What a refused transfer must leave alone: entries, lots, transfers, audit rows and balances.
    static func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from point_entries"),
            try await db.scalar("select coalesce(sum(remaining), 0)::int8 from point_lots"),
            try await db.scalar("select count(*)::int8 from point_transfers"),
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(balance * member_id), 0)::int8 from point_accounts"),
        ]
    }
}

/// `loyalty db check` holds, every check of it.
func expectChecksHold(_ store: LoyaltyStore, _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for check in try await store.consistencyCheck() where !check.holds {
        Issue.record("\(comment) \(check.name): \(check.violations) violations, e.g. \(check.examples)", sourceLocation: sourceLocation)
    }
}

extension MemberReference {
    /// The member number of a reference made by number (the tests' members).
    fileprivate var text: String {
        if case .number(let number) = self { return number.digits }
        return description
    }
}

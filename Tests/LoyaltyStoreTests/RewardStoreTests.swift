import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// The rewards catalog, claims, grants and vouchers at the store, against PostgreSQL.
@Suite("Rewards and vouchers (PostgreSQL)", .timeLimit(.minutes(6)))
struct RewardStoreTests {
    // MARK: - Catalog

    @Test("rewards are added, listed, shown, updated and retired, each change audited in the same statement")
    func catalog() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let added = try await db.store.addReward(
                try reward("tote", "Tote bag", cost: 1000, stock: 5, from: "2026-01-01", until: "2099-12-31", tier: "silver"),
                actor: "alice")
            #expect(added.code == "tote" && added.name == "Tote bag" && added.cost == 1000 && added.stock == 5)
            #expect(added.validFrom == "2026-01-01" && added.validUntil == "2099-12-31" && added.minimumTier == "silver")
            #expect(added.status == "active" && added.issued == 0 && added.used == 0 && added.retiredAt == nil)
            _ = try await db.store.addReward(try reward("coffee", "Free coffee", cost: 250), actor: "alice")
            #expect(try await db.store.listRewards().map(\.code) == ["coffee", "tote"])

            var update = RewardUpdate()
            update.cost = 900
            update.stock = .clear
            update.validFrom = .clear
            update.minimumTier = .set(try TierCode(parsing: "gold"))
            let changed = try await db.store.updateReward(try RewardCode(parsing: "tote"), update, actor: "bob")
            #expect(changed.cost == 900 && changed.stock == nil && changed.validFrom == nil && changed.validUntil == "2099-12-31")
            #expect(changed.minimumTier == "gold" && changed.name == "Tote bag")

            let retired = try await db.store.retireReward(try RewardCode(parsing: "tote"), actor: "carol")
            #expect(retired.status == "retired" && retired.retiredAt != nil)
            let again = try await db.store.retireReward(try RewardCode(parsing: "tote"), actor: "carol")
            #expect(again.status == "retired" && again.retiredAt == retired.retiredAt)
            #expect(try await db.store.reward(try RewardCode(parsing: "tote")) == again)

            #expect(
                try await auditActions(db) == [
                    "alice reward.add tote", "alice reward.add coffee", "bob reward.update tote", "carol reward.retire tote",
                ])
            #expect(try await db.scalar("select (details->>'cost')::int8 from audit_log where action = 'reward.update'") == 900)
        }
    }

    @Test("bad catalog changes are refused with a clear code and change nothing")
    func catalogRefusals() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            _ = try await db.store.addReward(try reward("coffee", "Free coffee", cost: 250, until: "2099-12-31"), actor: "t")
            let before = try await snapshot(db)
            let duplicate = await expectStoreError(.alreadyExists) {
                _ = try await db.store.addReward(try reward("coffee", "Another", cost: 1), actor: "t")
            }
            #expect(duplicate?.message == "a reward with this code already exists")
            let tier = await expectStoreError(.notFound) {
                _ = try await db.store.addReward(try reward("lounge", "Lounge", cost: 1, tier: "diamond"), actor: "t")
            }
            #expect(tier?.message == "no tier with code diamond")
            var dates = RewardUpdate()
            dates.validFrom = .set(try CalendarDate(parsing: "2100-01-01"))
            let inverted = await expectStoreError(.badArgument) {
                _ = try await db.store.updateReward(try RewardCode(parsing: "coffee"), dates, actor: "t")
            }
            #expect(inverted?.message == "the reward's last day comes before its first")
            var cost = RewardUpdate()
            cost.cost = 0
            await expectStoreError(.badArgument) { _ = try await db.store.updateReward(try RewardCode(parsing: "coffee"), cost, actor: "t") }
            await expectStoreError(.missingArgument) {
                _ = try await db.store.updateReward(try RewardCode(parsing: "coffee"), RewardUpdate(), actor: "t")
            }
            var name = RewardUpdate()
            name.name = "New"
            await expectStoreError(.notFound) { _ = try await db.store.updateReward(try RewardCode(parsing: "tea"), name, actor: "t") }
            await expectStoreError(.notFound) { _ = try await db.store.retireReward(try RewardCode(parsing: "tea"), actor: "t") }
            await expectStoreError(.notFound) { _ = try await db.store.reward(try RewardCode(parsing: "tea")) }
            #expect(try await snapshot(db) == before)

            // A tier that a reward is restricted to cannot be removed.
            _ = try await db.store.addReward(try reward("lounge", "Lounge", cost: 500, tier: "gold"), actor: "t")
            let removal = await expectStoreError(.badArgument) { _ = try await db.store.removeTier(code: try TierCode(parsing: "gold"), actor: "t") }
            #expect(removal?.message == "a reward is restricted to this tier")
        }
    }

    // MARK: - Claims

    @Test("a claim spends the cost as a redeem entry, takes one from stock and issues a voucher stored only as a keyed hash")
    func claim() async throws {
        try await withTestDatabase { db in
            let (terminal, ada) = try await setUp(db, points: 1200)
            _ = try await db.store.addReward(try reward("tote", "Tote bag", cost: 1000, stock: 2), actor: "t")
            let origin = try claimOrigin(terminal, "c1", ada, "tote")
            let claimed = try await db.store.claim(ada, reward: try RewardCode(parsing: "tote"), origin: origin)
            #expect(claimed.reward == "tote" && claimed.name == "Tote bag" && claimed.spent == 1000 && claimed.points == 200)
            #expect(!claimed.replayed)
            // The code is the HMAC of the terminal and the request under the installation key.
            #expect(claimed.code == testInstallationKey.voucherCode(terminal: terminal, request: try RequestID(parsing: "c1")))
            #expect(try await db.dateText(daysFromToday: 90) == claimed.expires)

            let entry = try await ledgerEntry(db, claimed.entry)
            #expect(entry.kind == "redeem" && entry.points == -1000 && entry.reason == "reward tote")
            #expect(try await db.scalar("select stock from rewards where code = 'tote'") == 1)
            #expect(try await db.scalar("select count(*)::int8 from reward_claims where entry_id = \(claimed.entry) and points = 1000") == 1)
            // Only the keyed hash and the last four characters: the code appears nowhere in the database.
            let hash = testInstallationKey.codeHash(claimed.code)
            #expect(try await db.scalar("select count(*)::int8 from vouchers where code_hash = \(ByteBuffer(bytes: hash))") == 1)
            #expect(try await db.scalar("select count(*)::int8 from vouchers where code_last4 = \(claimed.code.last4)") == 1)
            #expect(try await databaseMentions(db, claimed.code.canonical) == false)
            #expect(try await databaseMentions(db, claimed.code.grouped) == false)

            // A retry replays: the same code, nothing spent twice.
            let retry = try await db.store.claim(ada, reward: try RewardCode(parsing: "tote"), origin: origin)
            #expect(retry.code == claimed.code && retry.entry == claimed.entry && retry.points == 200 && retry.replayed)
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 1)
            #expect(try await db.scalar("select stock from rewards where code = 'tote'") == 1)
            // The same request id for another reward is a conflict.
            _ = try await db.store.addReward(try reward("coffee", "Free coffee", cost: 100), actor: "t")
            await expectStoreError(.idempotencyConflict) {
                _ = try await db.store.claim(ada, reward: try RewardCode(parsing: "coffee"), origin: try claimOrigin(terminal, "c1", ada, "coffee"))
            }
            // Another key cannot replay the claim into another code.
            let otherKey = LoyaltyStore(client: db.client, logger: db.logger, installationKey: try InstallationKey(bytes: [UInt8](repeating: 9, count: 32)))
            await expectStoreError(.internal) { _ = try await otherKey.claim(ada, reward: try RewardCode(parsing: "tote"), origin: origin) }
            // Without a key, nothing voucher-related works.
            let keyless = LoyaltyStore(client: db.client, logger: db.logger)
            await expectStoreError(.configuration) { _ = try await keyless.voucher(claimed.code) }
        }
    }

    @Test("claims are refused when the reward is retired, not yet valid, ended, out of stock, above the member's tier, or too dear")
    func claimRefusals() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let (terminal, ada) = try await setUp(db, points: 600)
            let yesterday = try await db.dateText(daysFromToday: -1)
            let tomorrow = try await db.dateText(daysFromToday: 1)
            _ = try await db.store.addReward(try reward("retired", "Old", cost: 1), actor: "t")
            _ = try await db.store.retireReward(try RewardCode(parsing: "retired"), actor: "t")
            _ = try await db.store.addReward(try reward("later", "Later", cost: 1, from: tomorrow), actor: "t")
            _ = try await db.store.addReward(try reward("ended", "Ended", cost: 1, until: yesterday), actor: "t")
            _ = try await db.store.addReward(try reward("soldout", "Sold out", cost: 1, stock: 0), actor: "t")
            _ = try await db.store.addReward(try reward("lounge", "Lounge", cost: 1, tier: "silver"), actor: "t")
            _ = try await db.store.addReward(try reward("tote", "Tote bag", cost: 1000), actor: "t")
            let before = try await snapshot(db)
            let cases: [(String, LoyaltyError.Code, String)] = [
                ("retired", .rewardUnavailable, "reward retired is retired"),
                ("later", .rewardUnavailable, "reward later can be claimed from \(tomorrow)"),
                ("ended", .rewardUnavailable, "reward ended ended on \(yesterday)"),
                ("soldout", .outOfStock, "reward soldout is out of stock"),
                ("lounge", .tierTooLow, "reward lounge is for tier silver and above"),
                ("tote", .insufficientPoints, "600 points spendable, 1000 requested"),
                ("nothing", .notFound, "no reward with code nothing"),
            ]
            for (index, (code, expected, message)) in cases.enumerated() {
                let origin = try claimOrigin(terminal, "x\(index)", ada, code)
                let error = await expectStoreError(expected) {
                    _ = try await db.store.claim(ada, reward: try RewardCode(parsing: code), origin: origin)
                }
                #expect(error?.message == message)
            }
            #expect(try await snapshot(db) == before, "a refused claim changed something")
            #expect(try await db.scalar("select count(*)::int8 from terminal_requests") == Int64(cases.count))

            // A refusal is an outcome: once the member has the points, the same request is still refused.
            _ = try await db.store.earn(ada, points: 1000, purchase: nil, receipt: nil, origin: admin)
            await expectStoreError(.insufficientPoints) {
                _ = try await db.store.claim(ada, reward: try RewardCode(parsing: "tote"), origin: try claimOrigin(terminal, "x5", ada, "tote"))
            }
            let fresh = try await db.store.claim(ada, reward: try RewardCode(parsing: "tote"), origin: try claimOrigin(terminal, "y5", ada, "tote"))
            #expect(fresh.points == 600)

            // An inactive member cannot claim; a silver one can have the lounge.
            _ = try await db.store.setMemberTier(ada, tier: try TierCode(parsing: "silver"), reason: "t", until: nil, actor: "t")
            #expect(try await db.store.claim(ada, reward: try RewardCode(parsing: "lounge"), origin: try claimOrigin(terminal, "z1", ada, "lounge")).spent == 1)
            _ = try await db.store.setMemberStatus(ada, to: .suspended, reason: "t", actor: "t")
            await expectStoreError(.memberInactive) {
                _ = try await db.store.claim(ada, reward: try RewardCode(parsing: "lounge"), origin: try claimOrigin(terminal, "z2", ada, "lounge"))
            }
        }
    }

    @Test("pending points cannot pay for a reward (0004's spendable points)")
    func pendingPoints() async throws {
        try await withTestDatabase { db in
            let rules = try ProgrammeRules(points: PointRules(pendingDays: 14, expiry: .never))
            let store = LoyaltyStore(client: db.client, logger: db.logger, rules: rules, installationKey: testInstallationKey)
            let (terminal, ada) = try await setUp(db, points: 100)
            _ = try await store.earn(ada, points: 500, purchase: try eur("500.00"), receipt: nil, origin: admin)
            _ = try await store.addReward(try reward("tote", "Tote bag", cost: 300), actor: "t")
            let error = await expectStoreError(.insufficientPoints) {
                _ = try await store.claim(ada, reward: try RewardCode(parsing: "tote"), origin: try claimOrigin(terminal, "p1", ada, "tote"))
            }
            #expect(error?.message == "100 points spendable, 300 requested")
            #expect(try await store.claimableRewards(ada).rewards.isEmpty)
            #expect(try await store.claimableRewards(ada).points == 100)
        }
    }

    @Test("two tills claiming the last one in stock at once: one voucher, one OUT_OF_STOCK")
    func lastInStock() async throws {
        try await withTestDatabase { db in
            let (terminal, ada) = try await setUp(db, points: 5000)
            let grace = try await db.newMember("Grace", "Hopper")
            _ = try await db.store.earn(grace, points: 5000, purchase: nil, receipt: nil, origin: admin)
            _ = try await db.store.addReward(try reward("tote", "Tote bag", cost: 1000, stock: 1), actor: "t")
            let store = db.store
            let code = try RewardCode(parsing: "tote")
            let first = try claimOrigin(terminal, "a", ada, "tote")
            let second = try claimOrigin(terminal, "b", grace, "tote")
            async let one = outcome { () async throws(LoyaltyError) in try await store.claim(ada, reward: code, origin: first) }
            async let two = outcome { () async throws(LoyaltyError) in try await store.claim(grace, reward: code, origin: second) }
            let outcomes = await [one, two]
            #expect(outcomes.filter { if case .success = $0 { true } else { false } }.count == 1)
            #expect(outcomes.contains { if case .failure(let error) = $0 { error.code == .outOfStock } else { false } })
            #expect(try await db.scalar("select stock from rewards") == 0)
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 1)
        }
    }

    @Test("REWARDS lists what the member can claim now, cheapest first, with their spendable points")
    func claimable() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let ada = try await db.newMember()
            _ = try await db.store.earn(ada, points: 600, purchase: nil, receipt: nil, origin: admin)
            let tomorrow = try await db.dateText(daysFromToday: 1)
            let today = try await db.dateText(daysFromToday: 0)
            _ = try await db.store.addReward(try reward("coffee", "Free coffee", cost: 250), actor: "t")
            _ = try await db.store.addReward(try reward("cake", "Cake", cost: 250, stock: 3, until: today), actor: "t")
            _ = try await db.store.addReward(try reward("mug", "Mug", cost: 600), actor: "t")
            _ = try await db.store.addReward(try reward("tote", "Tote bag", cost: 601), actor: "t")
            _ = try await db.store.addReward(try reward("later", "Later", cost: 1, from: tomorrow), actor: "t")
            _ = try await db.store.addReward(try reward("soldout", "Sold out", cost: 1, stock: 0), actor: "t")
            _ = try await db.store.addReward(try reward("lounge", "Lounge", cost: 1, tier: "silver"), actor: "t")
            _ = try await db.store.addReward(try reward("old", "Old", cost: 1), actor: "t")
            _ = try await db.store.retireReward(try RewardCode(parsing: "old"), actor: "t")
            let list = try await db.store.claimableRewards(ada)
            #expect(list.points == 600)
            #expect(list.rewards.map(\.code) == ["cake", "coffee", "mug"])
            #expect(list.rewards.first?.stock == 3 && list.rewards.first?.validUntil == today)
            #expect(list.rewards.last?.stock == nil && list.rewards.last?.validUntil == nil)

            _ = try await db.store.setMemberTier(ada, tier: try TierCode(parsing: "gold"), reason: "t", until: nil, actor: "t")
            #expect(try await db.store.claimableRewards(ada).rewards.map(\.code) == ["lounge", "cake", "coffee", "mug"])
            _ = try await db.store.setMemberStatus(ada, to: .suspended, reason: "t", actor: "t")
            let suspended = try await db.store.claimableRewards(ada)
            #expect(suspended.rewards.isEmpty && suspended.points == 600 && suspended.member == list.member)
            await expectStoreError(.notFound) { _ = try await db.store.claimableRewards(.number(MemberNumber(sequence: 999_999_998))) }
        }
    }

    // MARK: - Vouchers

    @Test("a voucher is used once: a second use is VOUCHER_USED, a retry replays, and the database forbids a second use row")
    func useOnce() async throws {
        try await withTestDatabase { db in
            let (terminal, ada) = try await setUp(db, points: 500)
            _ = try await db.store.addReward(try reward("coffee", "Free coffee", cost: 250), actor: "t")
            let claimed = try await db.store.claim(ada, reward: try RewardCode(parsing: "coffee"), origin: try claimOrigin(terminal, "c1", ada, "coffee"))
            let valid = try await db.store.voucher(claimed.code)
            #expect(valid.status == "valid" && valid.reward == "coffee" && valid.rewardName == "Free coffee" && valid.source == "claim")
            #expect(valid.last4 == claimed.code.last4 && valid.expiresOn == claimed.expires && valid.usedAt == nil)

            let first = try useOrigin(terminal, "u1", claimed.code, "R-9")
            let used = try await db.store.useVoucher(claimed.code, receipt: "R-9", origin: first)
            #expect(used.reward == "coffee" && used.receipt == "R-9" && used.member == valid.member && used.replayed == nil)
            let replay = try await db.store.useVoucher(claimed.code, receipt: "R-9", origin: first)
            #expect(replay.usedAt == used.usedAt && replay.replayed == true)
            let second = await expectStoreError(.voucherUsed) {
                _ = try await db.store.useVoucher(claimed.code, receipt: "R-10", origin: try useOrigin(terminal, "u2", claimed.code, "R-10"))
            }
            #expect(second?.message.contains("was used on") == true && second?.message.contains("(receipt R-9)") == true)
            #expect(try await db.scalar("select count(*)::int8 from voucher_uses") == 1)
            let after = try await db.store.voucher(claimed.code)
            #expect(after.status == "used" && after.receipt == "R-9" && after.usedBy == "till-1" && after.usedAt != nil)

            // The fingerprint kept for USE is keyed: the code cannot be recovered from it.
            #expect(try await databaseMentions(db, claimed.code.canonical) == false)
            // Even a direct insert cannot use a voucher twice.
            await #expect(throws: (any Error).self) {
                try await db.client.query(
                    "insert into voucher_uses (voucher_id, terminal_id, request_id, receipt) select voucher_id, terminal_id, 'x', 'R' from voucher_uses",
                    logger: db.logger)
            }
            await #expect(throws: (any Error).self) { try await db.client.query("delete from voucher_uses", logger: db.logger) }
            await #expect(throws: (any Error).self) { try await db.client.query("update vouchers set expires_on = current_date + 1000", logger: db.logger) }

            // Unknown and expired vouchers.
            let unknown = RedemptionCode.random()
            await expectStoreError(.notFound) { _ = try await db.store.voucher(unknown) }
            await expectStoreError(.notFound) {
                _ = try await db.store.useVoucher(unknown, receipt: "R-1", origin: try useOrigin(terminal, "u3", unknown, "R-1"))
            }
            let expired = try await insertVoucher(db, member: valid.member, reward: "coffee", expiresInDays: -1)
            #expect(try await db.store.voucher(expired).status == "expired")
            let error = await expectStoreError(.voucherExpired) {
                _ = try await db.store.useVoucher(expired, receipt: "R-2", origin: try useOrigin(terminal, "u4", expired, "R-2"))
            }
            #expect(error?.message.hasSuffix("expired on \(try await db.dateText(daysFromToday: -1))") == true)
            let lastDay = try await insertVoucher(db, member: valid.member, reward: "coffee", expiresInDays: 0)
            #expect(try await db.store.voucher(lastDay).status == "valid")
        }
    }

    @Test("a voucher expires after the configured days, but never after its reward's last day")
    func expiry() async throws {
        try await withTestDatabase { db in
            let (terminal, ada) = try await setUp(db, points: 1000)
            let store = LoyaltyStore(
                client: db.client, logger: db.logger, rewardRules: try RewardRules(voucherDays: 30), installationKey: testInstallationKey)
            let soon = try await db.dateText(daysFromToday: 10)
            _ = try await store.addReward(try reward("coffee", "Free coffee", cost: 10), actor: "t")
            _ = try await store.addReward(try reward("cake", "Cake", cost: 10, until: soon), actor: "t")
            let coffee = try await store.claim(ada, reward: try RewardCode(parsing: "coffee"), origin: try claimOrigin(terminal, "e1", ada, "coffee"))
            #expect(coffee.expires == (try await db.dateText(daysFromToday: 30)))
            let cake = try await store.claim(ada, reward: try RewardCode(parsing: "cake"), origin: try claimOrigin(terminal, "e2", ada, "cake"))
            #expect(cake.expires == soon)
        }
    }

    // MARK: - Grants

    @Test("a grant issues vouchers without points, skips members who cannot have one, audits each, and takes the stock")
    func grant() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember("Ada", "Lovelace")
            let grace = try await db.newMember("Grace", "Hopper")
            let closed = try await db.newMember("Carl", "Closed")
            _ = try await db.store.setMemberStatus(closed, to: .closed, reason: "t", actor: "t")
            _ = try await db.store.addReward(try reward("tote", "Tote bag", cost: 1000, stock: 3), actor: "t")
            let numbers = try await [ada, grace, closed].asyncMap { try MemberNumber(parsing: try await db.store.memberCard($0, terminal: nil).number) }
            let unknown = MemberNumber(sequence: 999_999_998)
            let outcomes = try await db.store.grantVouchers(
                try RewardCode(parsing: "tote"), to: numbers + [unknown], reason: "launch party", actor: "alice")
            #expect(outcomes.map(\.member) == numbers.map(\.digits) + [unknown.digits])
            #expect(outcomes.map { $0.code != nil } == [true, true, false, false])
            #expect(outcomes[2].skipped == "member is closed" && outcomes[3].skipped == "no member with this member number")
            #expect(outcomes[0].expires == (try await db.dateText(daysFromToday: 90)))
            #expect(try await db.scalar("select stock from rewards") == 1)
            #expect(try await db.scalar("select count(*)::int8 from point_entries where kind = 'redeem'") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'reward.grant' and actor = 'alice'") == 2)
            let voucher = try await db.store.voucher(try #require(outcomes[0].code))
            #expect(voucher.source == "grant" && voucher.grantReason == "launch party" && voucher.member == numbers[0].digits)
            #expect(try await db.store.vouchers(of: ada).map(\.last4) == [try #require(outcomes[0].code).last4])

            // Too little stock for the list: nothing is granted.
            let before = try await snapshot(db)
            let short = await expectStoreError(.outOfStock) {
                _ = try await db.store.grantVouchers(try RewardCode(parsing: "tote"), to: Array(numbers.prefix(2)), reason: "more", actor: "alice")
            }
            #expect(short?.message == "reward tote has 1 in stock, 2 vouchers requested")
            // A deliverer that fails (the codes could not be written) grants nothing either.
            await expectStoreError(.internal) {
                _ = try await db.store.grantVouchers(
                    try RewardCode(parsing: "tote"), to: [numbers[0]], reason: "more", actor: "alice",
                    deliver: { _ in throw LoyaltyError(.internal, "disk full") })
            }
            #expect(try await snapshot(db) == before, "a refused grant changed something")
            _ = try await db.store.retireReward(try RewardCode(parsing: "tote"), actor: "t")
            let retired = try await snapshot(db)
            await expectStoreError(.rewardUnavailable) {
                _ = try await db.store.grantVouchers(try RewardCode(parsing: "tote"), to: [numbers[0]], reason: "x", actor: "alice")
            }
            await expectStoreError(.badArgument) {
                _ = try await db.store.grantVouchers(try RewardCode(parsing: "tote"), to: [numbers[0]], reason: " ", actor: "alice")
            }
            #expect(try await snapshot(db) == retired, "a refused grant changed something")
        }
    }

    @Test("reward days are the programme's days: a reward ending today in Pago Pago has ended in Kiritimati")
    func rewardDaysInProgrammeTimeZone() async throws {
        try await withTestDatabase { db in
            // 25 hours apart: at any moment their calendar days differ.
            let pagoPago = db.store(rules: try ProgrammeRules(timeZone: "Pacific/Pago_Pago"))
            let kiritimati = db.store(rules: try ProgrammeRules(timeZone: "Pacific/Kiritimati"))
            var pagoToday = ""
            for try await text in try await db.client.query(
                "select (now() at time zone 'Pacific/Pago_Pago')::date::text", logger: db.logger
            ).decode(String.self) {
                pagoToday = text
            }
            _ = try await db.store.addReward(try reward("cake", "Cake", cost: 1, until: pagoToday), actor: "t")
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 5, purchase: nil, receipt: nil, origin: admin)
            #expect(try await pagoPago.claimableRewards(member).rewards.map(\.code) == ["cake"])
            #expect(try await kiritimati.claimableRewards(member).rewards.isEmpty)
            let refused = await #expect(throws: LoyaltyError.self) {
                try await kiritimati.claim(member, reward: try RewardCode(parsing: "cake"), origin: admin)
            }
            #expect(refused?.code == .rewardUnavailable)
            let claimed = try await pagoPago.claim(member, reward: try RewardCode(parsing: "cake"), origin: admin)
            #expect(claimed.expires == pagoToday)
        }
    }
}

// MARK: - Helpers

private func reward(
    _ code: String, _ name: String, cost: Int64, stock: Int64? = nil, from: String? = nil, until: String? = nil, tier: String? = nil
) throws -> RewardDefinition {
    try RewardDefinition(
        code: RewardCode(parsing: code), name: name, cost: cost, stock: stock, validFrom: from.map { try CalendarDate(parsing: $0) },
        validUntil: until.map { try CalendarDate(parsing: $0) }, minimumTier: tier.map { try TierCode(parsing: $0) })
}

private func seedTiers(_ db: TestDatabase) async throws {
    let tiers = try [("member", 0, 0), ("silver", 1, 1000), ("gold", 2, 3000)].map { (code: String, rank: Int, threshold: Int64) in
        try TierDefinition(code: TierCode(parsing: code), name: code, rank: rank, threshold: threshold, multiplier: PointsMultiplier(percent: 100))
    }
    _ = try await db.store.seedTiers(tiers, actor: "test")
}

/// A terminal and a member with `points` points.
private func setUp(_ db: TestDatabase, points: Int64) async throws -> (terminal: Int64, member: MemberReference) {
    let (terminal, _) = try await db.store.addTerminal(name: "till-1", storeCode: "S1", actor: "test")
    let member = try await db.newMember()
    _ = try await db.store.earn(member, points: points, purchase: nil, receipt: nil, origin: admin)
    return (terminal.id, member)
}

private func claimOrigin(_ terminal: Int64, _ request: String, _ member: MemberReference, _ reward: String) throws -> Origin {
    .terminal(id: terminal, request: try RequestID(parsing: request), fingerprint: "CLAIM \(member.kind)=\(member.value) reward=\(reward)")
}

private func useOrigin(_ terminal: Int64, _ request: String, _ code: RedemptionCode, _ receipt: String) throws -> Origin {
    .terminal(id: terminal, request: try RequestID(parsing: request), fingerprint: "USE code=\(code.canonical) receipt=\(receipt)")
}

/// What a refused change must leave alone: ledger, rewards, vouchers, claims, requests of any kind but refusals, audit log.
private func snapshot(_ db: TestDatabase) async throws -> [Int64] {
    [
        try await db.scalar("select count(*)::int8 from point_entries"),
        try await db.scalar("select coalesce(sum(hashtext(r::text)), 0)::int8 from rewards r"),
        try await db.scalar("select count(*)::int8 from vouchers"),
        try await db.scalar("select count(*)::int8 from reward_claims"),
        try await db.scalar("select count(*)::int8 from voucher_uses"),
        try await db.scalar("select coalesce(sum(balance), 0)::int8 from point_accounts"),
        try await db.scalar("select count(*)::int8 from audit_log"),
    ]
}

private func auditActions(_ db: TestDatabase) async throws -> [String] {
    var actions: [String] = []
    let rows = try await db.client.query(
        "select actor || ' ' || action || ' ' || subject from audit_log where action like 'reward.%' order by id", logger: db.logger)
    for try await text in rows.decode(String.self) { actions.append(text) }
    return actions
}

private func ledgerEntry(_ db: TestDatabase, _ id: Int64) async throws -> (kind: String, points: Int64, reason: String?) {
    let rows = try await db.client.query("select kind, points, reason from point_entries where id = \(id)", logger: db.logger)
    for try await row in rows.decode((String, Int64, String?).self) { return (row.0, row.1, row.2) }
    throw TestDatabaseQueryError.noRow
}

/// Whether any text column of the tables a voucher touches, or any stored request outcome, contains `text`.
private func databaseMentions(_ db: TestDatabase, _ text: String) async throws -> Bool {
    let pattern = "%\(text)%"
    return try await db.scalar(
        """
        select (
            (select count(*) from vouchers v where v::text ilike \(pattern))
          + (select count(*) from reward_claims c where c::text ilike \(pattern))
          + (select count(*) from voucher_uses u where u::text ilike \(pattern))
          + (select count(*) from terminal_requests r where r::text ilike \(pattern) or encode(r.fingerprint, 'escape') ilike \(pattern))
          + (select count(*) from audit_log a where a::text ilike \(pattern))
          + (select count(*) from point_entries e where e::text ilike \(pattern))
        )::int8
        """) > 0
}

/// A voucher for the member, written with SQL (the functions issue vouchers today): its code, with the last day `days` from today.
private func insertVoucher(_ db: TestDatabase, member: String, reward: String, expiresInDays days: Int) async throws -> RedemptionCode {
    let code = RedemptionCode.random()
    try await db.client.query(
        """
        insert into vouchers (code_hash, code_last4, reward_id, member_id, granted_by, grant_reason, expires_on)
        select \(ByteBuffer(bytes: testInstallationKey.codeHash(code))), \(code.last4), r.id, m.id, 'test', 'test', current_date + \(days)::int
          from rewards r, members m where r.code = \(reward) and m.number = \(member)
        """, logger: db.logger)
    return code
}

/// Today plus `days`, by the database's calendar, as YYYY-MM-DD.

private func outcome<T>(_ body: () async throws(LoyaltyError) -> T) async -> Result<T, LoyaltyError> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

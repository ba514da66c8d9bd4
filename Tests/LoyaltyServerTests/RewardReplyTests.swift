import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// REWARDS, CLAIM, VOUCHER and USE over TCP, with the numbers of the worked example in docs/programme.md
/// (section 9: tiers member 0 / silver 1000 / gold 3000; coffee 250, lounge 500 for silver and above,
/// tote 1000 with one in stock).
@Suite("Rewards and vouchers at the till (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct RewardReplyTests {
    @Test("worked example: Ada and Grace at the till, from REWARDS to a voucher used once")
    func workedExample() async throws {
        try await withServer { server in
            try await seedExampleProgramme(server)
            let till = try await server.till("till-1")
            let ada = try await till.enroll("first_name=Ada last_name=Lovelace")
            let earn = try await till.ok("EARN req=a1 member=\(ada) amount=1200.00 currency=EUR")
            #expect(earn["points"] == "1200" && earn["tier"] == "silver")

            let offer = try await till.list("REWARDS member=\(ada)")
            #expect(offer.header == ["count": "3", "member": ada, "points": "1200"])
            #expect(
                offer.items == [
                    ["reward": "coffee", "name": "Free coffee", "cost": "250"],
                    ["reward": "lounge", "name": "Lounge pass", "cost": "500"],
                    ["reward": "tote", "name": "Tote bag", "cost": "1000", "stock": "1"],
                ])

            // The claim, as the till receives it; a retry gets the same line, the same code.
            let claimLine = "CLAIM req=c1 member=\(ada) reward=tote"
            let claimReply = try await till.request(claimLine)
            let claim = try okFields(claimReply)
            let voucher = try #require(claim["voucher"])
            let expires = try await server.database.dateText(daysFromToday: 90)
            #expect(
                claimReply
                    == "OK member=\(ada) voucher=\(voucher) reward=tote name=\"Tote bag\" spent=1000 points=200 entry=\(try claim.int("entry")) expires=\(expires)"
            )
            #expect(voucher.count == 16 && voucher.split(separator: "-").map(\.count) == [4, 4, 4, 1])
            #expect(try RedemptionCode(parsing: voucher).grouped == voucher)
            #expect(try await till.request(claimLine) == claimReply)
            #expect(try await till.balance(ada) == 200)
            #expect(try await till.list("REWARDS member=\(ada)").header == ["count": "0", "member": ada, "points": "200"])

            // Grace is in the lowest tier with 600 points: the lounge is not for her, the tote is gone.
            let grace = try await till.enroll("first_name=Grace last_name=Hopper")
            try await till.earn(grace, points: 600)
            let graceOffer = try await till.list("REWARDS member=\(grace)")
            #expect(graceOffer.items.map { $0["reward"] } == ["coffee"])
            #expect(try await till.request("CLAIM req=g1 member=\(grace) reward=lounge") == "ERR TIER_TOO_LOW reward lounge is for tier silver and above")
            #expect(try await till.request("CLAIM req=g2 member=\(grace) reward=tote") == "ERR OUT_OF_STOCK reward tote is out of stock")
            let coffee = try await till.ok("CLAIM req=g3 member=\(grace) reward=coffee")
            #expect(coffee["spent"] == "250" && coffee["points"] == "350" && coffee["voucher"] != voucher)

            // VOUCHER, USE once, a second USE refused, the retry replayed, VOUCHER again.
            #expect(
                try await till.ok("VOUCHER code=\(voucher)")
                    == ["status": "valid", "reward": "tote", "name": "Tote bag", "member": ada, "expires": expires])
            let useLine = "USE req=u1 code=\(voucher) receipt=R-9"
            let useReply = try await till.request(useLine)
            let used = try okFields(useReply)
            #expect(used["status"] == "used" && used["reward"] == "tote" && used["member"] == ada && used["receipt"] == "R-9")
            let usedAt = try #require(used["used_at"])
            let second = try await till.request("USE req=u2 code=\(voucher) receipt=R-10")
            let last4 = String(voucher.replacingOccurrences(of: "-", with: "").suffix(4))
            #expect(second == "ERR VOUCHER_USED voucher …\(last4) was used on \(usedAt) (receipt R-9)")
            #expect(try await till.request(useLine) == useReply)
            #expect(try await till.request("USE req=u2 code=\(voucher) receipt=R-10") == second, "a refusal is replayed too")
            #expect(
                try await till.ok("VOUCHER code=\(voucher.lowercased())")
                    == [
                        "status": "used", "reward": "tote", "name": "Tote bag", "member": ada, "expires": expires, "used_at": usedAt,
                        "receipt": "R-9",
                    ])
            #expect(try await server.sqlInt("select count(*)::int8 from voucher_uses") == 1)
        }
    }

    @Test("voucher codes depend on the terminal and the request; typos are caught before the database")
    func codes() async throws {
        try await withServer { server in
            try await seedExampleProgramme(server)
            let first = try await server.till("till-1")
            let second = try await server.till("till-2")
            let ada = try await first.enroll()
            try await first.earn(ada, points: 1000)
            let one = try await first.ok("CLAIM req=same member=\(ada) reward=coffee")
            let two = try await second.ok("CLAIM req=same member=\(ada) reward=coffee")
            #expect(one["voucher"] != two["voucher"] && two["points"] == "500")
            let code = Array(try #require(one["voucher"]))
            var typo = code
            typo[2] = typo[2] == "A" ? "B" : "A"
            let swapped = String(code[1]) + String(code[0]) + String(code.dropFirst(2))
            for bad in [String(typo), swapped, "ABCD-EFGH-JKMN", "0BCD-EFGH-JKMN-P"] where bad != String(code) {
                #expect(try await first.err("VOUCHER code=\(bad)") == "BAD_ARGUMENT", "\(bad)")
                #expect(try await first.err("USE req=t-\(bad.prefix(4)) code=\(bad) receipt=R-1") == "BAD_ARGUMENT", "\(bad)")
            }
            #expect(try await first.err("VOUCHER code=2222-2222-2222-2") == "NOT_FOUND")
            #expect(try await first.err("USE req=u9 code=2222-2222-2222-2 receipt=R-1") == "NOT_FOUND")
            #expect(try await first.err("USE req=u9 code=\(String(code))") == "MISSING_ARGUMENT")
            #expect(try await first.err("CLAIM req=x member=\(ada)") == "MISSING_ARGUMENT")
            #expect(try await first.err("CLAIM req=x member=\(ada) reward=Coffee!") == "BAD_ARGUMENT")
            #expect(try await first.err("CLAIM req=x member=\(ada) reward=nothing") == "NOT_FOUND")
            #expect(try await first.err("REWARDS member=\(unknownMemberNumber)") == "NOT_FOUND")
            #expect(try await first.err("VOUCHER code=\(String(code)) receipt=R-1") == "BAD_ARGUMENT")
            // Not before AUTH.
            let anonymous = try await server.open()
            #expect(try await anonymous.err("VOUCHER code=\(String(code))") == "AUTH_REQUIRED")
            #expect(try await anonymous.err("REWARDS member=\(ada)") == "AUTH_REQUIRED")
        }
    }
}

/// The programme of the worked example: member 0 / silver 1000 / gold 3000 (×1), and three rewards.
private func seedExampleProgramme(_ server: TestServer) async throws {
    let tiers = try [("member", 0, 0), ("silver", 1, 1000), ("gold", 2, 3000)].map { (code: String, rank: Int, threshold: Int64) in
        try TierDefinition(code: TierCode(parsing: code), name: code, rank: rank, threshold: threshold, multiplier: PointsMultiplier(percent: 100))
    }
    _ = try await server.store.seedTiers(tiers, actor: "test")
    for (code, name, cost, stock, tier) in [
        ("coffee", "Free coffee", Int64(250), Int64?.none, String?.none), ("lounge", "Lounge pass", 500, nil, "silver"),
        ("tote", "Tote bag", 1000, 1, nil),
    ] {
        _ = try await server.store.addReward(
            try RewardDefinition(
                code: RewardCode(parsing: code), name: name, cost: cost, stock: stock, minimumTier: tier.map { try TierCode(parsing: $0) }),
            actor: "test")
    }
}

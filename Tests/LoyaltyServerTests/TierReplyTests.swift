import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// The tier fields of the EARN, BALANCE and MEMBER replies over TCP, with the numbers of the worked
/// examples in docs/programme.md (member 0 / silver 1000 ×1.25 / gold 3000 ×1.5, EUR:1/1.00).
@Suite("Tier fields in replies (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct TierReplyTests {
    @Test("worked examples 1–4 at the till: itemised EARN replies, the upgrade, a partial refund, BALANCE and MEMBER")
    func adaAtTheTill() async throws {
        try await withServer { server in
            try await seedExampleTiers(server)
            let till = try await server.till("till-1")
            let ada = try await till.enroll()

            let first = try await till.ok("EARN req=s1 member=\(ada) amount=990.00 currency=EUR receipt=R-1")
            #expect(
                first == [
                    "member": ada, "earned": "990", "points": "990", "pending": "0", "entry": try entry(first), "base": "990", "tier_bonus": "0",
                    "tier": "member", "next_tier": "silver", "to_next": "10",
                ])

            // Crossing the threshold: the reply shows the new tier, the bonus is the old tier's.
            let crossingLine = "EARN req=s2 member=\(ada) amount=25.99 currency=EUR receipt=R-2"
            let crossingReply = try await till.request(crossingLine)
            let crossing = try okFields(crossingReply)
            #expect(
                crossing == [
                    "member": ada, "earned": "25", "points": "1015", "pending": "0", "entry": try entry(crossing), "base": "25",
                    "tier_bonus": "0", "tier": "silver", "next_tier": "gold", "to_next": "1985",
                ])

            // A silver purchase, as the line a till receives (fields in the documented order).
            let silverReply = try await till.request("EARN req=s3 member=\(ada) amount=25.99 currency=EUR receipt=R-3")
            let silverEntry = try entry(try okFields(silverReply))
            #expect(
                silverReply
                    == "OK member=\(ada) earned=31 points=1046 pending=0 entry=\(silverEntry) base=25 tier_bonus=6 tier=silver next_tier=gold to_next=1960"
            )

            // A refund of 10.00 of it: 11 points back, itemised like the earn (9 base, 2 bonus).
            let partial = try await till.ok("REVERSE req=s4 of=s3 amount=10.00 currency=EUR")
            #expect(
                partial == [
                    "member": ada, "reversed": "11", "shortfall": "0", "points": "1035",
                    "entry": try entry(partial), "base": "9", "tier_bonus": "2",
                ])
            #expect(
                try await till.ok("BALANCE member=\(ada)")
                    == ["member": ada, "points": "1035", "pending": "0", "spendable": "1035", "status": "active", "tier": "silver", "next_tier": "gold", "to_next": "1969"])
            let card = try await till.ok("MEMBER member=\(ada)")
            #expect(card["tier"] == "silver" && card["next_tier"] == "gold" && card["to_next"] == "1969")
            #expect(card["points"] == "1035")

            // The rest of that purchase, then the whole 990.00: qualifying points fall to 25, the tier stays.
            #expect(try await till.ok("REVERSE req=s5 of=s3 amount=15.99 currency=EUR")["reversed"] == "20")
            let refund = try await till.ok("REVERSE req=s6 of=s1")
            #expect(refund["reversed"] == "990" && refund["points"] == "25")
            #expect(
                try await till.ok("BALANCE member=\(ada)")
                    == ["member": ada, "points": "25", "pending": "0", "spendable": "25", "status": "active", "tier": "silver", "next_tier": "gold", "to_next": "2975"])
            let after = try await till.ok("EARN req=s7 member=\(ada) amount=25.99 currency=EUR")
            #expect(after["base"] == "25" && after["tier_bonus"] == "6" && after["earned"] == "31" && after["points"] == "56")
            #expect(after["tier"] == "silver" && after["to_next"] == "2950")

            // Retries get the stored, itemised replies byte for byte, although the member's standing has changed.
            #expect(try await till.request(crossingLine) == crossingReply)
            #expect(try await till.request("EARN req=s3 member=\(ada) amount=25.99 currency=EUR receipt=R-3") == silverReply)
            #expect(try await server.entryCount(ada) == 7)
        }
    }

    @Test("worked example 5 at the till: a skip to the top tier shows no next_tier or to_next anywhere")
    func topTier() async throws {
        try await withServer { server in
            try await seedExampleTiers(server)
            let till = try await server.till("till-1")
            let grace = try await till.enroll("first_name=Grace last_name=Hopper")
            let big = try await till.ok("EARN req=g1 member=\(grace) amount=3200.00 currency=EUR")
            #expect(
                big == [
                    "member": grace, "earned": "3200", "points": "3200", "pending": "0", "entry": try entry(big), "base": "3200",
                    "tier_bonus": "0", "tier": "gold",
                ])
            #expect(
                try await till.ok("BALANCE member=\(grace)") == ["member": grace, "points": "3200", "pending": "0", "spendable": "3200", "status": "active", "tier": "gold"])
            let card = try await till.ok("MEMBER member=\(grace)")
            #expect(card["tier"] == "gold" && card["next_tier"] == nil && card["to_next"] == nil)
            let next = try await till.ok("EARN req=g2 member=\(grace) amount=25.99 currency=EUR")
            #expect(
                next == [
                    "member": grace, "earned": "37", "points": "3237", "pending": "0", "entry": try entry(next), "base": "25", "tier_bonus": "12",
                    "tier": "gold",
                ])
        }
    }

    @Test("worked examples 6 and 7 at the till: exactly at the threshold, one short, and explicit points")
    func thresholdAndExplicitPoints() async throws {
        try await withServer { server in
            try await seedExampleTiers(server)
            let till = try await server.till("till-1")
            let hugo = try await till.enroll("first_name=Hugo last_name=Exact")
            let exact = try await till.ok("EARN req=h1 member=\(hugo) amount=1000.00 currency=EUR")
            #expect(exact["tier"] == "silver" && exact["next_tier"] == "gold" && exact["to_next"] == "2000")
            let ida = try await till.enroll("first_name=Ida last_name=Short")
            let short = try await till.ok("EARN req=i1 member=\(ida) amount=999.99 currency=EUR")
            #expect(short["base"] == "999" && short["tier"] == "member" && short["next_tier"] == "silver" && short["to_next"] == "1")

            // Explicit points: no base or tier_bonus, no bonus, no qualification; the tier fields are there.
            let bonus = try await till.earn(hugo, points: 50)
            #expect(
                bonus == [
                    "member": hugo, "earned": "50", "points": "1050", "pending": "0", "entry": try entry(bonus), "tier": "silver",
                    "next_tier": "gold", "to_next": "2000",
                ])
            let lots = try await till.earn(ida, points: 5000)
            #expect(lots["tier"] == "member" && lots["to_next"] == "1")
        }
    }

    @Test("worked example 10 at the till: a tier set by hand shows in MEMBER and earns its bonus")
    func manualTier() async throws {
        try await withServer { server in
            try await seedExampleTiers(server)
            let till = try await server.till("till-1")
            let linus = try await till.enroll("first_name=Linus last_name=Match")
            _ = try await server.store.setMemberTier(
                .number(try MemberNumber(parsing: linus)), tier: try TierCode(parsing: "silver"),
                reason: "status match from a partner programme", until: nil, actor: "alice")
            let card = try await till.ok("MEMBER member=\(linus)")
            #expect(card["tier"] == "silver" && card["next_tier"] == "gold" && card["to_next"] == "3000")
            let small = try await till.ok("EARN req=l1 member=\(linus) amount=25.99 currency=EUR")
            #expect(small["base"] == "25" && small["tier_bonus"] == "6" && small["earned"] == "31" && small["to_next"] == "2975")
            let big = try await till.ok("EARN req=l2 member=\(linus) amount=3000.00 currency=EUR")
            #expect(
                big == [
                    "member": linus, "earned": "3750", "points": "3781", "pending": "0", "entry": try entry(big), "base": "3000",
                    "tier_bonus": "750", "tier": "gold",
                ])
        }
    }

    @Test("without tiers: EARN itemises base with tier_bonus=0, and no reply has tier, next_tier or to_next")
    func noTiers() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let earn = try await till.ok("EARN req=n1 member=\(member) amount=25.99 currency=EUR")
            #expect(earn == ["member": member, "earned": "25", "points": "25", "pending": "0", "entry": try entry(earn), "base": "25", "tier_bonus": "0"])
            let points = try await till.earn(member, points: 50)
            #expect(points == ["member": member, "earned": "50", "points": "75", "pending": "0", "entry": try entry(points)])
            #expect(try await till.ok("BALANCE member=\(member)") == ["member": member, "points": "75", "pending": "0", "spendable": "75", "status": "active"])
            let card = try await till.ok("MEMBER member=\(member)")
            #expect(card["points"] == "75")
            #expect(card["tier"] == nil && card["next_tier"] == nil && card["to_next"] == nil)
        }
    }
}

/// The worked examples' programme: member 0 ×1, silver 1000 ×1.25, gold 3000 ×1.5.
private func seedExampleTiers(_ server: TestServer) async throws {
    let tiers = try [("member", 0, 0, "1"), ("silver", 1, 1000, "1.25"), ("gold", 2, 3000, "1.5")].map {
        (code: String, rank: Int, threshold: Int64, multiplier: String) in
        try TierDefinition(
            code: TierCode(parsing: code), name: code, rank: rank, threshold: threshold, multiplier: PointsMultiplier(parsing: multiplier))
    }
    _ = try await server.store.seedTiers(tiers, actor: "test")
}

/// The `entry` field of a reply, which must be a number.
private func entry(_ fields: [String: String]) throws -> String {
    String(try fields.int("entry"))
}

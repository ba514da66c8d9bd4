import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// Pending points and promotions as a till sees them over TCP: `pending=`, `spendable=` and
/// `available_on=`, `promos=` on EARN and REVERSE, and a store-only promotion (worked examples P1 and PR4
/// of docs/programme.md).
@Suite("Pending points and promotions in replies (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct LifecycleReplyTests {
    @Test("worked example P1 at the till: pending points in EARN, BALANCE and MEMBER; REDEEM refused until spendable")
    func pendingAtTheTill() async throws {
        try await withServer(rules: try ProgrammeRules(points: PointRules(pendingDays: 14))) { server in
            let till = try await server.till()
            let carla = try await till.enroll("first_name=Carla last_name=Pending")
            let earnLine = "EARN req=p1 member=\(carla) amount=120.00 currency=EUR receipt=R-1"
            let earnReply = try await till.request(earnLine)
            let earn = try okFields(earnReply)
            #expect(earn["earned"] == "120" && earn["points"] == "120" && earn["pending"] == "120")
            #expect(earn["available_on"]?.count == 10)
            #expect(
                try await till.ok("BALANCE member=\(carla)")
                    == ["member": carla, "points": "120", "pending": "120", "spendable": "0", "status": "active"])
            let card = try await till.ok("MEMBER member=\(carla)")
            #expect(card["pending"] == "120" && card["spendable"] == "0")
            #expect(try await till.err("REDEEM req=p2 member=\(carla) points=50") == "INSUFFICIENT_POINTS")

            try await server.database.travel(days: 14)
            #expect(try await till.ok("BALANCE member=\(carla)")["spendable"] == "120")
            // The refusal is replayed (refusals are outcomes); a new request succeeds.
            #expect(try await till.err("REDEEM req=p2 member=\(carla) points=50") == "INSUFFICIENT_POINTS")
            let redeem = try await till.ok("REDEEM req=p3 member=\(carla) points=50")
            #expect(redeem["points"] == "70" && redeem["pending"] == "0")
            // A retry of the EARN gets its original reply, pending and all.
            #expect(try await till.request(earnLine) == earnReply)
        }
    }

    @Test("worked example PR4 at the till: a store's promotion is itemised in EARN and taken back by REVERSE")
    func storePromotion() async throws {
        try await withServer { server in
            let day = try CalendarDate(parsing: try await server.database.dateText())
            for (code, store) in [("berlin-opening", "store-1"), ("munich-opening", "store-9")] {
                _ = try await server.store.addPromotion(
                    try PromotionDefinition(
                        code: .init(parsing: code), name: code, startsOn: day, endsOn: day, stores: [store], bonus: .points(100)),
                    actor: "alice")
            }
            _ = try await server.store.addPromotion(
                try PromotionDefinition(code: .init(parsing: "double"), name: "Double", startsOn: day, endsOn: day,
                                        bonus: .multiplier(.init(parsing: "2"))),
                actor: "alice")
            let till = try await server.till()
            let member = try await till.enroll()
            let line = "EARN req=s1 member=\(member) amount=25.99 currency=EUR"
            let reply = try await till.request(line)
            let earn = try okFields(reply)
            #expect(earn["base"] == "25" && earn["tier_bonus"] == "0" && earn["earned"] == "150")
            #expect(earn["promos"] == "berlin-opening:100,double:25")
            #expect(reply.hasSuffix("base=25 tier_bonus=0 promos=berlin-opening:100,double:25"))

            let reverse = try await till.ok("REVERSE req=s2 of=s1")
            #expect(reverse["reversed"] == "150" && reverse["base"] == "25" && reverse["promos"] == "berlin-opening:100,double:25")
            #expect(try await till.request(line) == reply)
        }
    }
}

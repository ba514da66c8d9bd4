import LoyaltyTesting
import Testing

@Suite("Reversals (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ReversalTests {
    @Test("a full reversal by of=REQ takes back what was earned; a second one hits REVERSAL_LIMIT")
    func fullByRequest() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.earn(member, points: 7)
            let earn = try await till.ok("EARN req=sale-1 member=\(member) amount=25.99 currency=EUR receipt=R-1")
            let reversed = try await till.ok("REVERSE req=undo-1 of=sale-1")
            #expect(reversed["member"] == member)
            #expect(reversed["reversed"] == "25")
            #expect(reversed["shortfall"] == "0")
            #expect(reversed["points"] == "7")
            #expect(try reversed.int("entry") > (try earn.int("entry")))
            #expect(try await till.err("REVERSE req=undo-2 of=sale-1") == "REVERSAL_LIMIT")
            #expect(try await till.err("REVERSE req=undo-3 of=sale-1 amount=0.01 currency=EUR") == "REVERSAL_LIMIT")
            #expect(try await till.balance(member) == 7)

            let history = try await till.list("HISTORY member=\(member) limit=1")
            let entry = try #require(history.items.first)
            #expect(entry["kind"] == "reverse")
            #expect(entry["points"] == "-25")
            #expect(entry["balance"] == "7")
            #expect(entry["receipt"] == "R-1")
        }
    }

    @Test("a full reversal by entry=ID works from another terminal; of=REQ only finds the terminal's own requests")
    func fullByEntry() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let office = try await server.till("service-desk")
            let member = try await till.enroll()
            let earn = try await till.ok("EARN req=sale-1 member=\(member) amount=60.00 currency=EUR")
            #expect(try await office.err("REVERSE req=undo-1 of=sale-1") == "NOT_FOUND")
            let reversed = try await office.ok("REVERSE req=undo-2 entry=\(try earn.int("entry"))")
            #expect(reversed["reversed"] == "60")
            #expect(reversed["points"] == "0")
            #expect(try await till.err("REVERSE req=undo-3 entry=\(try earn.int("entry"))") == "REVERSAL_LIMIT")
            #expect(try await till.balance(member) == 0)
        }
    }

    @Test("partial refunds of 99.99 EUR in three parts take back exactly the 99 points earned")
    func partialInEqualParts() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            #expect(try await till.ok("EARN req=sale-1 member=\(member) amount=99.99 currency=EUR")["earned"] == "99")
            var total: Int64 = 0
            for part in 1...3 {
                let reply = try await till.ok("REVERSE req=refund-\(part) of=sale-1 amount=33.33 currency=EUR")
                total += try reply.int("reversed")
                #expect(try reply.int("points") == 99 - total)
            }
            #expect(total == 99)
            #expect(try await till.err("REVERSE req=refund-4 of=sale-1 amount=0.01 currency=EUR") == "REVERSAL_LIMIT")
            #expect(try await till.balance(member) == 0)
        }
    }

    @Test("uneven partial refunds still add up exactly to what was earned")
    func partialInUnevenParts() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.earn(member, points: 1000)
            #expect(try await till.ok("EARN req=sale-1 member=\(member) amount=10.00 currency=EUR")["earned"] == "10")
            var reversed: [Int64] = []
            for (index, amount) in ["3.33", "3.33", "3.33", "0.01"].enumerated() {
                let reply = try await till.ok("REVERSE req=refund-\(index) of=sale-1 amount=\(amount) currency=EUR")
                reversed.append(try reply.int("reversed"))
            }
            #expect(reversed.reduce(0, +) == 10, "\(reversed)")
            #expect(try await till.balance(member) == 1000)
            #expect(try await till.err("REVERSE req=refund-5 of=sale-1") == "REVERSAL_LIMIT")
        }
    }

    @Test("a refund beyond the purchase amount is REVERSAL_LIMIT; another currency is BAD_ARGUMENT")
    func refundBeyondPurchase() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            _ = try await till.ok("EARN req=sale-1 member=\(member) amount=25.99 currency=EUR")
            #expect(try await till.err("REVERSE req=refund-1 of=sale-1 amount=26.00 currency=EUR") == "REVERSAL_LIMIT")
            #expect(try await till.err("REVERSE req=refund-2 of=sale-1 amount=10.00 currency=USD") == "BAD_ARGUMENT")
            // 20.00 of 25.99 is floor(25 × 2000 / 2599) = 19 points.
            #expect(try await till.ok("REVERSE req=refund-3 of=sale-1 amount=20.00 currency=EUR")["reversed"] == "19")
            #expect(try await till.err("REVERSE req=refund-4 of=sale-1 amount=6.00 currency=EUR") == "REVERSAL_LIMIT")
            let last = try await till.ok("REVERSE req=refund-5 of=sale-1 amount=5.99 currency=EUR")
            #expect(last["reversed"] == "6")
            #expect(last["points"] == "0")
            #expect(try await server.entryCount(member) == 3)
        }
    }

    @Test("points earns are reversed by points, not by amount, and never beyond what was earned")
    func reverseByPoints() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            _ = try await till.ok("EARN req=bonus-1 member=\(member) points=40")
            #expect(try await till.err("REVERSE req=r-1 of=bonus-1 amount=1.00 currency=EUR") == "BAD_ARGUMENT")
            #expect(try await till.ok("REVERSE req=r-2 of=bonus-1 points=15")["points"] == "25")
            #expect(try await till.err("REVERSE req=r-3 of=bonus-1 points=26") == "REVERSAL_LIMIT")
            #expect(try await till.ok("REVERSE req=r-4 of=bonus-1")["reversed"] == "25")
            #expect(try await till.balance(member) == 0)
        }
    }

    @Test("reversing points already spent records a shortfall, takes the balance to 0 and never below")
    func shortfall() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            _ = try await till.ok("EARN req=sale-1 member=\(member) amount=50.00 currency=EUR")
            _ = try await till.ok("REDEEM req=spend-1 member=\(member) points=40")
            let reversed = try await till.ok("REVERSE req=undo-1 of=sale-1")
            #expect(reversed["reversed"] == "10")
            #expect(reversed["shortfall"] == "40")
            #expect(reversed["points"] == "0")
            #expect(try await till.balance(member) == 0)
            let history = try await till.list("HISTORY member=\(member) limit=1")
            #expect(history.items.first?["shortfall"] == "40")
            #expect(history.items.first?["points"] == "-10")
            // The shortfall counts as taken back: nothing is left to reverse, and later points stay.
            #expect(try await till.err("REVERSE req=undo-2 of=sale-1") == "REVERSAL_LIMIT")
            try await till.earn(member, points: 30)
            #expect(try await till.balance(member) == 30)
            let ledger = try await server.ledger(member)
            #expect(ledger.sum == ledger.balance && ledger.balance == 30)
        }
    }

    @Test("partial refunds after spending: shortfall, then later parts still add up")
    func partialShortfall() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            _ = try await till.ok("EARN req=sale-1 member=\(member) amount=100.00 currency=EUR")
            _ = try await till.ok("REDEEM req=spend-1 member=\(member) points=90")
            let first = try await till.ok("REVERSE req=part-1 of=sale-1 amount=50.00 currency=EUR")
            #expect(first["reversed"] == "10")
            #expect(first["shortfall"] == "40")
            #expect(first["points"] == "0")
            try await till.earn(member, points: 100)
            let second = try await till.ok("REVERSE req=part-2 of=sale-1 amount=50.00 currency=EUR")
            #expect(second["reversed"] == "50")
            #expect(second["shortfall"] == "0")
            #expect(second["points"] == "50")
        }
    }

    @Test("REVERSE of something that is not an earn is NOT_FOUND")
    func notAnEarn() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.earn(member, points: 20)
            let redeem = try await till.ok("REDEEM req=spend-1 member=\(member) points=5")
            #expect(try await till.err("REVERSE req=r-1 of=spend-1") == "NOT_FOUND")
            #expect(try await till.err("REVERSE req=r-2 entry=\(try redeem.int("entry"))") == "NOT_FOUND")
            #expect(try await till.err("REVERSE req=r-3 of=never-sent") == "NOT_FOUND")
            #expect(try await till.err("REVERSE req=r-4 entry=999999") == "NOT_FOUND")
            #expect(try await till.err("REVERSE req=r-5 of=spend-1 entry=1") == "BAD_ARGUMENT")
            #expect(try await till.balance(member) == 15)
        }
    }
}

import LoyaltyCore
import LoyaltyTesting
import Testing

@Suite("Member status at the till (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct MemberStatusTests {
    @Test("a suspended member cannot earn or redeem (MEMBER_INACTIVE) but can be looked up; reactivated, they can")
    func suspended() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.earn(member, points: 30)
            try await server.setStatus(member, .suspended)

            #expect(try await till.err("EARN req=s-1 member=\(member) amount=10.00 currency=EUR") == "MEMBER_INACTIVE")
            #expect(try await till.err("EARN req=s-2 member=\(member) points=5") == "MEMBER_INACTIVE")
            #expect(try await till.err("REDEEM req=s-3 member=\(member) points=5") == "MEMBER_INACTIVE")
            #expect(try await till.ok("BALANCE member=\(member)") == ["member": member, "points": "30", "pending": "0", "spendable": "30", "status": "suspended"])
            #expect(try await till.ok("MEMBER member=\(member)")["status"] == "suspended")
            #expect(try await server.entryCount(member) == 1)

            try await server.setStatus(member, .active)
            // The refusals were the outcome of s-1 and s-3: their retries are refused still.
            #expect(try await till.err("EARN req=s-1 member=\(member) amount=10.00 currency=EUR") == "MEMBER_INACTIVE")
            #expect(try await till.ok("EARN req=s-4 member=\(member) amount=10.00 currency=EUR")["points"] == "40")
            #expect(try await till.ok("REDEEM req=s-5 member=\(member) points=5")["points"] == "35")
        }
    }

    @Test("a closed member cannot earn or redeem, and their email no longer finds them")
    func closed() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll("first_name=Ada last_name=Lovelace email=ada@example.com")
            try await till.earn(member, points: 30)
            try await server.setStatus(member, .closed)
            #expect(try await till.err("EARN req=c-1 member=\(member) points=5") == "MEMBER_INACTIVE")
            #expect(try await till.err("REDEEM req=c-2 member=\(member) points=5") == "MEMBER_INACTIVE")
            #expect(try await till.ok("BALANCE member=\(member)")["status"] == "closed")
            #expect(try await till.err("BALANCE email=ada@example.com") == "NOT_FOUND")
            // The email is free for a new member.
            let newcomer = try await till.enroll("first_name=Ada last_name=King email=ada@example.com")
            #expect(newcomer != member)
        }
    }

    @Test("a suspended member's earn can still be reversed: a refund is never blocked at the till")
    func suspendedReversal() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let earn = try await till.ok("EARN req=sale-1 member=\(member) amount=20.00 currency=EUR")
            try await server.setStatus(member, .suspended)
            // docs/protocol.md, REVERSE: "A reversal is accepted for a suspended or closed member too".
            #expect(try await till.err("EARN req=sale-2 member=\(member) points=5") == "MEMBER_INACTIVE")
            #expect(try await till.ok("REVERSE req=undo-1 of=sale-1 amount=5.00 currency=EUR")["points"] == "15")
            #expect(try await till.ok("REVERSE req=undo-2 entry=\(try earn.int("entry"))")["points"] == "0")
            #expect(try await server.entryCount(member) == 3)
            #expect(try await till.ok("BALANCE member=\(member)")["points"] == "0")
        }
    }
}

import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("Reward values")
struct RewardDefinitionTests {
    @Test("reward codes follow the tier code rules")
    func codes() throws {
        #expect(try RewardCode(parsing: "tote-bag_2027").value == "tote-bag_2027")
        for bad in ["", "Tote", "-tote", "tote bag", String(repeating: "a", count: 33), "tøte"] {
            expectError(.badArgument) { () throws(LoyaltyError) in try RewardCode(parsing: bad) }
        }
    }

    @Test("a definition checks name, cost, stock and dates")
    func definition() throws {
        let code = try RewardCode(parsing: "coffee")
        let reward = try RewardDefinition(code: code, name: "  Free coffee ", cost: 250, stock: 0)
        #expect(reward.name == "Free coffee" && reward.cost == 250 && reward.stock == 0)
        expectError(.badArgument) { () throws(LoyaltyError) in try RewardDefinition(code: code, name: "", cost: 250) }
        expectError(.badArgument) { () throws(LoyaltyError) in try RewardDefinition(code: code, name: "X", cost: 0) }
        expectError(.badArgument) { () throws(LoyaltyError) in
            try RewardDefinition(code: code, name: "X", cost: PointsQuantity.maximum + 1)
        }
        expectError(.badArgument) { () throws(LoyaltyError) in try RewardDefinition(code: code, name: "X", cost: 1, stock: -1) }
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try RewardDefinition(
                code: code, name: "X", cost: 1, validFrom: CalendarDate(parsing: "2027-02-01"), validUntil: CalendarDate(parsing: "2027-01-31"))
        }
        #expect(error?.message == "until: the last day comes before the first")
        #expect(
            try RewardDefinition(
                code: code, name: "X", cost: 1, validFrom: CalendarDate(parsing: "2027-02-01"), validUntil: CalendarDate(parsing: "2027-02-01")
            ).validUntil?.description == "2027-02-01")
    }

    @Test("vouchers are valid 1 to 3650 days, 90 by default")
    func rules() throws {
        #expect(RewardRules.standard.voucherDays == 90)
        #expect(try RewardRules(voucherDays: 1).voucherDays == 1)
        expectError(.badArgument) { () throws(LoyaltyError) in try RewardRules(voucherDays: 0) }
        expectError(.badArgument) { () throws(LoyaltyError) in try RewardRules(voucherDays: 3651) }
    }
}

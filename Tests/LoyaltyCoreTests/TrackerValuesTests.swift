import Foundation
import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("Tracker values")
struct TrackerValuesTests {
    @Test(
        "score ranges parse A-B, A-, -B and A within bounds",
        arguments: [("4-5", 4, 5), ("3-", 3, nil), ("-2", nil, 2), ("5", 5, 5), ("1-1", 1, 1)] as [(String, Int64?, Int64?)])
    func rangeParses(text: String, min: Int64?, max: Int64?) throws {
        let range = try ScoreRange(parsing: text, field: "recency", bounds: 1...5)
        #expect(range.min == min)
        #expect(range.max == max)
        #expect(try ScoreRange(parsing: range.text, field: "recency", bounds: 1...5) == range)
    }

    @Test("score ranges refuse reversed, out-of-bounds and malformed text", arguments: ["5-4", "0-3", "6", "-", "", "a-b", "1-2-3", "+1", "1.5", "９"])
    func rangeRefuses(text: String) {
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try ScoreRange(parsing: text, field: "recency", bounds: 1...5) }
    }

    @Test("segment names are lower-cased letters, digits, '-' and '_'")
    func segmentNames() throws {
        #expect(try SegmentName(parsing: "WinBack-2026_q4").value == "winback-2026_q4")
        for bad in ["", "-lead", "has space", "émigré", String(repeating: "a", count: 65), "semi;colon"] {
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try SegmentName(parsing: bad) }
        }
    }

    @Test("lapse rules check their bounds and describe themselves")
    func lapseRules() throws {
        #expect(LapseRule.standard.summary == "lapsed after 180 days without a purchase, at risk after 90")
        let gap = try LapseRule(kind: .gap, multiplePercent: 250, floorDays: 60, atRiskPercent: 40)
        #expect(gap.summary.contains("2.5× the member's median gap"))
        #expect(gap.summary.contains("at least 60 days"))
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try LapseRule(days: 0) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try LapseRule(multiplePercent: 99) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try LapseRule(floorDays: 0) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try LapseRule(atRiskPercent: 100) }
    }

    @Test("the lapse rule travels to SQL with the keys loyalty_lapse_state reads")
    func lapseRuleJSON() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try LapseRule(kind: .gap, multiplePercent: 300)))
        let object = try #require(json as? [String: Any])
        #expect(Set(object.keys) == ["rule", "days", "multiple_percent", "floor_days", "at_risk_percent"])
        #expect(object["rule"] as? String == "gap")
        #expect(object["multiple_percent"] as? Int == 300)
    }

    @Test("a segment filter encodes only its conditions, with the keys loyalty_segment_members reads")
    func filterJSON() throws {
        var filter = SegmentFilter()
        #expect(filter.isEmpty)
        #expect(String(decoding: try JSONEncoder().encode(filter), as: UTF8.self) == "{}")
        filter.rfmSegments = [.atRisk, .cannotLose]
        filter.lapse = [.lapsed]
        filter.daysSincePurchase = try ScoreRange(min: 90, max: nil)
        filter.birthdayMonths = [12]
        filter.consent = [.email]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(filter), as: UTF8.self)
        #expect(
            text
                == #"{"birthday_months":[12],"consent":["email"],"days_since_purchase":{"min":90},"lapse":["lapsed"],"rfm_segments":["at-risk","cannot-lose"]}"#
        )
        #expect(try JSONDecoder().decode(SegmentFilter.self, from: Data(text.utf8)) == filter)
        #expect(filter.conditions.contains("RFM segment at-risk or cannot-lose"))
        #expect(filter.conditions.contains("days since last purchase 90-"))
        #expect(SegmentFilter().conditions == ["every member"])
    }
}

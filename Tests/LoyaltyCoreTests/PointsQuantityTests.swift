import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("PointsQuantity")
struct PointsQuantityTests {
    @Test("parses positive whole numbers", arguments: [("1", 1), ("250", 250), ("1000000000", 1_000_000_000), ("0007", 7)] as [(String, Int64)])
    func parses(text: String, value: Int64) throws {
        #expect(try PointsQuantity.parse(text) == value)
    }

    @Test(
        "refuses zero, signs, fractions and too many",
        arguments: ["", "0", "-1", "+1", "1.5", "1e3", " 1", "1000000001", "9223372036854775807", "99999999999999999999", "ten"])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try PointsQuantity.parse(text) }
        #expect(error?.message.hasPrefix("points:") == true)
    }

    @Test("parses signed adjustments", arguments: [("-50", -50), ("+20", 20), ("20", 20), ("-1000000000", -1_000_000_000)] as [(String, Int64)])
    func signed(text: String, value: Int64) throws {
        #expect(try PointsQuantity.parseSigned(text) == value)
    }

    @Test("refuses bad signed adjustments", arguments: ["", "-", "+", "--5", "+-5", "-0", "0", "-1000000001"])
    func refusesSigned(text: String) {
        expectError(.badArgument) { () throws(LoyaltyError) in try PointsQuantity.parseSigned(text) }
    }
}

/// Validation of a number of points named in a request.
public enum PointsQuantity {
    /// The most points one request may move: one billion.
    public static let maximum: Int64 = 1_000_000_000

    /// Parses a positive whole number of points, at most ``maximum``.
    public static func parse(_ text: some StringProtocol, argument: String = "points") throws(LoyaltyError) -> Int64 {
        guard !text.isEmpty, text.utf8.count <= 12,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw .badArgument(argument, "a whole positive number of points expected")
        }
        guard let value = Int64(text), value > 0 else {
            throw .badArgument(argument, "must be at least 1")
        }
        guard value <= maximum else { throw .badArgument(argument, "at most \(maximum) points") }
        return value
    }

    /// Parses a signed adjustment (`-50`, `+20`, `20`), non-zero, magnitude at most ``maximum``.
    public static func parseSigned(_ text: some StringProtocol, argument: String = "points") throws(LoyaltyError) -> Int64 {
        var body = Substring(text)
        var sign: Int64 = 1
        if body.first == "-" {
            sign = -1
            body = body.dropFirst()
        } else if body.first == "+" {
            body = body.dropFirst()
        }
        return sign * (try parse(body, argument: argument))
    }
}

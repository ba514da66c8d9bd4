/// A number of days as an administrator types it: `30`, `30d` or `4w`.
public enum DayCount {
    public static func parse(_ text: String, argument: String, maximum: Int = 3660) throws(LoyaltyError) -> Int {
        var digits = Substring(text)
        var factor = 1
        if digits.hasSuffix("d") {
            digits = digits.dropLast()
        } else if digits.hasSuffix("w") {
            digits = digits.dropLast()
            factor = 7
        }
        guard !digits.isEmpty, digits.count <= 5, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int(digits), (1...maximum).contains(number * factor)
        else {
            throw .badArgument(argument, "a number of days (30, 30d) or weeks (4w) from 1 to \(maximum) days expected")
        }
        return number * factor
    }
}

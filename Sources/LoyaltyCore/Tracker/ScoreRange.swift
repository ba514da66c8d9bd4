/// An inclusive range with optional ends, as segment filters hold them (`4-5`, `3-`, `-2`, `3`).
public struct ScoreRange: Sendable, Hashable, Codable {
    public var min: Int64?
    public var max: Int64?

    public init(min: Int64?, max: Int64?) throws(LoyaltyError) {
        if let min, let max, min > max { throw .badArgument("range", "\(min)-\(max): the start is above the end") }
        self.min = min
        self.max = max
    }

    /// Parses `A-B`, `A-`, `-B` or `A` (meaning A-A), each end within `bounds`.
    public init(parsing text: String, field: String, bounds: ClosedRange<Int64>) throws(LoyaltyError) {
        func number(_ part: Substring) throws(LoyaltyError) -> Int64? {
            if part.isEmpty { return nil }
            guard part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), part.count <= 18, let value = Int64(part),
                bounds.contains(value)
            else {
                throw .badArgument(field, "'\(text.prefix(40))': give A-B, A-, -B or A with numbers \(bounds.lowerBound)...\(bounds.upperBound)")
            }
            return value
        }
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard !text.isEmpty, text != "-" else { throw .badArgument(field, "give A-B, A-, -B or A") }
        if parts.count == 1 {
            let value = try number(parts[0])
            try self.init(min: value, max: value)
        } else {
            do {
                try self.init(min: try number(parts[0]), max: try number(parts[1]))
            } catch {
                throw .badArgument(field, error.message)
            }
        }
    }

    /// `4-5`, `3-`, `-2`, `3`.
    public var text: String {
        if let min, let max, min == max { return String(min) }
        return (min.map(String.init) ?? "") + "-" + (max.map(String.init) ?? "")
    }
}

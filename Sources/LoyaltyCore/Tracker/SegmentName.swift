/// A segment's name: 1 to 64 lower-case letters, digits, `-` and `_`, starting with a letter or digit.
public struct SegmentName: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(parsing text: String) throws(LoyaltyError) {
        let name = text.lowercased()
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
            Self.isLetterOrDigit(first),
            name.unicodeScalars.allSatisfy({ Self.isLetterOrDigit($0) || $0 == "-" || $0 == "_" })
        else {
            throw .badArgument("segment", "'\(text.prefix(40))': 1 to 64 letters, digits, '-' and '_'")
        }
        value = name
    }

    public var description: String { value }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

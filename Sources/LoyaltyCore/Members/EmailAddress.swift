/// An email address, normalised so that the same mailbox always compares equal:
/// surrounding white space removed and the whole address lower-cased.
///
/// Validation is deliberately shallow (one `@`, a dotted domain, no white space or control
/// characters, at most 254 characters): the only real test of an address is a mail to it.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(parsing text: some StringProtocol, argument: String = "email") throws(LoyaltyError) {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        guard !trimmed.isEmpty else { throw .badArgument(argument, "empty email address") }
        guard trimmed.utf8.count <= 254 else { throw .badArgument(argument, "email address is too long") }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !parts[1].contains("..")
        else {
            throw .badArgument(argument, "not an email address")
        }
        guard
            trimmed.unicodeScalars.allSatisfy({
                $0.value > 0x20 && $0.properties.generalCategory != .control && $0 != "\"" && $0 != "\\"
            })
        else {
            throw .badArgument(argument, "email address contains forbidden characters")
        }
        self.value = trimmed
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self = try EmailAddress(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces, tabs, CR and LF.
    package func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// Validation of the free-text fields of a member record.
public enum FieldRules {
    /// Validates and trims a free-text field: at most `maximumLength` characters, no control characters.
    public static func text(_ value: some StringProtocol, field: String, maximumLength: Int = 100) throws(LoyaltyError) -> String {
        let trimmed = value.trimmingASCIIWhitespace()
        guard trimmed.count <= maximumLength else {
            throw .badArgument(field, "at most \(maximumLength) characters")
        }
        // General category Cc: C0 controls, DEL and the C1 controls U+0080...U+009F.
        guard trimmed.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
            throw .badArgument(field, "contains control characters")
        }
        return trimmed
    }

    /// A tag: 1 to 40 characters of letters, digits, `-`, `_` and `.`, lower-cased.
    public static func tag(_ value: some StringProtocol) throws(LoyaltyError) -> String {
        let lower = value.trimmingASCIIWhitespace().lowercased()
        guard (1...40).contains(lower.count),
            lower.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) })
        else {
            throw .badArgument("tag", "1 to 40 letters, digits, '-', '_' or '.'")
        }
        return lower
    }
}

extension FieldRules {
    /// Like ``text(_:field:maximumLength:)`` but refuses an empty value.
    public static func requiredText(_ value: some StringProtocol, field: String, maximumLength: Int = 100) throws(LoyaltyError) -> String {
        let text = try text(value, field: field, maximumLength: maximumLength)
        guard !text.isEmpty else { throw .badArgument(field, "must not be empty") }
        return text
    }

    /// An ISO 3166-1 alpha-2 country code, upper-cased.
    public static func country(_ value: some StringProtocol) throws(LoyaltyError) -> String {
        let upper = value.trimmingASCIIWhitespace().uppercased()
        guard upper.count == 2, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw .badArgument("country", "a two-letter ISO 3166 country code expected")
        }
        return upper
    }
}

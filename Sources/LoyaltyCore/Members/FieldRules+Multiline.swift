extension FieldRules {
    /// Validates and trims a longer free text (an interaction's body): at most `maximumLength` characters;
    /// line breaks and tabs are allowed, other control characters are not.
    public static func multilineText(_ value: some StringProtocol, field: String, maximumLength: Int) throws(LoyaltyError) -> String {
        let trimmed = value.trimmingASCIIWhitespace()
        guard trimmed.count <= maximumLength else {
            throw .badArgument(field, "at most \(maximumLength) characters")
        }
        guard trimmed.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control || "\n\r\t".unicodeScalars.contains($0) }) else {
            throw .badArgument(field, "contains control characters")
        }
        return trimmed
    }
}

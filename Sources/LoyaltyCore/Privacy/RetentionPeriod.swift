/// How long the personal data of a closed member is kept before the retention job erases it
/// (`privacy.retention-days`).
public struct RetentionPeriod: Sendable, Hashable, Codable {
    /// The shortest and longest periods accepted: a month, and a hundred years.
    public static let allowedDays: ClosedRange<Int> = 30...36_500

    /// Days since the member was closed.
    public let days: Int

    /// A period of `days` days, within ``allowedDays``.
    public init(days: Int) throws(LoyaltyError) {
        guard Self.allowedDays.contains(days) else {
            throw .badArgument(
                "privacy.retention-days", "must be \(Self.allowedDays.lowerBound)...\(Self.allowedDays.upperBound), got \(days)")
        }
        self.days = days
    }
}

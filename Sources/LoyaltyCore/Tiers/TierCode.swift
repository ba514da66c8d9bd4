/// A tier's short code, used in replies and commands: `gold`, `silver-plus`.
public struct TierCode: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(parsing text: some StringProtocol) throws(LoyaltyError) {
        value = try ShortCode.parse(text, argument: "tier")
    }

    public var description: String { value }
}

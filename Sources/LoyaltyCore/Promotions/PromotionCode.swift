/// A promotion's short code, shown on receipts in the EARN reply (`promos=double-weekend:120`).
public struct PromotionCode: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(parsing text: some StringProtocol) throws(LoyaltyError) {
        value = try ShortCode.parse(text, argument: "promotion")
    }

    public var description: String { value }
}

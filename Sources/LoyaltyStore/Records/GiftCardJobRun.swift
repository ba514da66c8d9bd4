/// What one run of the gift card job did.
public struct GiftCardJobRun: Sendable, Hashable, Codable {
    /// Holds released because their time ran out or their card expired.
    public var released: Int
    /// Cards whose remaining balance expired (breakage).
    public var expired: Int

    public init(released: Int, expired: Int) {
        self.released = released
        self.expired = expired
    }
}

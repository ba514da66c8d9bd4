/// The outcome of a voucher's use at a till.
public struct VoucherUseResult: Sendable, Hashable, Codable {
    public var member: String
    public var reward: String
    public var name: String
    public var last4: String
    /// ISO 8601, UTC.
    public var usedAt: String
    public var receipt: String
    public var replayed: Bool?
}

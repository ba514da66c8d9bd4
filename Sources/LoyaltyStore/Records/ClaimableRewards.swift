/// What a member can claim now: their spendable points and the rewards within reach, cheapest first.
public struct ClaimableRewards: Sendable, Hashable {
    /// One reward the member can claim.
    public struct Reward: Sendable, Hashable {
        public var code: String
        public var name: String
        public var cost: Int64
        /// Left in stock; nil for no limit.
        public var stock: Int64?
        /// The reward's last day, if it has one.
        public var validUntil: String?
    }

    public var member: String
    /// The member's spendable points.
    public var points: Int64
    public var rewards: [Reward]
}

/// What a campaign send recorded: members contacted, held out, and left out by reason (`closed`,
/// `suspended`, `no consent`, `no address`).
public struct CampaignSendSummary: Sendable, Hashable, Codable {
    public var contacted: Int64
    public var holdout: Int64
    public var leftOut: [String: Int64]

    public init(contacted: Int64, holdout: Int64, leftOut: [String: Int64]) {
        self.contacted = contacted
        self.holdout = holdout
        self.leftOut = leftOut
    }
}

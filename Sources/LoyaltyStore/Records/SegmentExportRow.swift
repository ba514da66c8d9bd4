/// One member in a segment export: what an email or SMS tool needs to address and personalise a message.
public struct SegmentExportRow: Sendable, Hashable, Codable {
    public var member: String
    public var firstName: String
    public var lastName: String
    /// The email address or the phone number, by the export's channel.
    public var address: String
    public var tier: String?
    public var points: Int64
    /// Programme-local day, `YYYY-MM-DD`; nil without purchases.
    public var lastPurchase: String?
    public var rfmSegment: String?
    public var lapseState: String

    public init(
        member: String, firstName: String, lastName: String, address: String, tier: String?, points: Int64, lastPurchase: String?,
        rfmSegment: String?, lapseState: String
    ) {
        self.member = member
        self.firstName = firstName
        self.lastName = lastName
        self.address = address
        self.tier = tier
        self.points = points
        self.lastPurchase = lastPurchase
        self.rfmSegment = rfmSegment
        self.lapseState = lapseState
    }
}

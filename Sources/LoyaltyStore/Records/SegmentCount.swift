/// How many members a segment selects, and how many of them an export could reach on each channel
/// (active, consented, with an address for the channel).
public struct SegmentCount: Sendable, Hashable, Codable {
    public var members: Int64
    public var closed: Int64
    public var emailReachable: Int64
    public var smsReachable: Int64

    public init(members: Int64, closed: Int64, emailReachable: Int64, smsReachable: Int64) {
        self.members = members
        self.closed = closed
        self.emailReachable = emailReachable
        self.smsReachable = smsReachable
    }
}

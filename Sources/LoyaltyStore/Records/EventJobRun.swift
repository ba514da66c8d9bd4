/// What one run of the events job did.
public struct EventJobRun: Sendable, Hashable, Encodable {
    /// `points.expiring` events written (members told their points expire soon).
    public var expiring: Int64
    /// `member.lapsed` events written.
    public var lapsed: Int64
    /// Events removed as older than the retention period.
    public var pruned: Int64
    /// Finished webhook deliveries (with their attempts) removed as older than the retention period.
    public var prunedDeliveries: Int64

    public init(expiring: Int64, lapsed: Int64, pruned: Int64, prunedDeliveries: Int64 = 0) {
        self.expiring = expiring
        self.lapsed = lapsed
        self.pruned = pruned
        self.prunedDeliveries = prunedDeliveries
    }
}

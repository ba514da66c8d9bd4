/// What one run of the expiry job did.
public struct ExpiryRun: Sendable, Hashable, Codable {
    /// Members whose points expired in this run.
    public var members: Int
    /// Points expired in this run.
    public var points: Int64

    public init(members: Int, points: Int64) {
        self.members = members
        self.points = points
    }
}

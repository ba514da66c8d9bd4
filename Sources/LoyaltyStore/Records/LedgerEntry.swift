import Foundation

/// One line of a member's points history.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var entry: Int64
    public var at: Date
    public var kind: String
    public var points: Int64
    public var balance: Int64
    public var receipt: String?
    public var reason: String?
    public var terminal: String?
    public var adminActor: String?
    public var shortfall: Int64
    public var reverses: Int64?

    enum CodingKeys: String, CodingKey {
        case entry, at, kind, points, balance, receipt, reason, terminal, adminActor = "admin", shortfall, reverses
    }
}

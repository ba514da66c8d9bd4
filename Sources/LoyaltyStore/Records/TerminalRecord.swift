import Foundation

/// A point-of-sale terminal allowed to connect, as stored (the secret only as a hash).
public struct TerminalRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var storeCode: String?
    public var status: String
    public var createdAt: Date
    public var revokedAt: Date?

    public var isActive: Bool { status == "active" }
}

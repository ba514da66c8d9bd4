import Foundation

/// One row of the audit log: who changed what, when. `details` names fields and ids, never personal values.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Date
    /// Who says they acted (`--actor`, `LOYALTY_ACTOR` or the OS user).
    public var actor: String
    /// The PostgreSQL role that did.
    public var databaseUser: String
    public var action: String
    public var subject: String?
    public var details: JSONValue

    enum CodingKeys: String, CodingKey {
        case id, at, actor, databaseUser = "db_user", action, subject, details
    }
}

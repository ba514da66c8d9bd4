import Foundation

/// A follow-up task: due on a day (local to the programme's time zone), owned by someone, done once.
public struct FollowUpRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The member's number.
    public var member: String
    /// The interaction it follows up, if any.
    public var interaction: Int64?
    /// `YYYY-MM-DD`.
    public var dueOn: String
    public var owner: String
    public var title: String
    public var createdBy: String
    public var createdAt: Date
    public var doneAt: Date?
    public var doneBy: String?
    /// Open and due before today.
    public var overdue: Bool

    enum CodingKeys: String, CodingKey {
        case id, member, interaction, dueOn = "due_on", owner, title, createdBy = "created_by", createdAt = "created_at"
        case doneAt = "done_at", doneBy = "done_by", overdue
    }
}

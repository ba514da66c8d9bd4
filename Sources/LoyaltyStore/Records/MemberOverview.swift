import Foundation

/// What `member show` adds to a member's record: points that can be spent now and that are pending, the
/// last purchases, open cases, follow-ups due soon and the interactions counted.
public struct MemberOverview: Sendable, Hashable, Codable {
    public var spendable: Int64
    public var pending: Int64
    /// The last 5 purchases and returns, newest first.
    public var recentPurchases: [Purchase]
    /// Complaints and service requests not yet resolved, oldest first.
    public var openCases: [OpenCase]
    /// Open follow-ups due within 7 days or earlier, soonest first.
    public var dueFollowups: [DueFollowUp]
    public var interactions: InteractionCounts

    /// A purchase or a return.
    public struct Purchase: Sendable, Hashable, Codable {
        /// The day, local to the programme's time zone (`YYYY-MM-DD`).
        public var on: String
        public var at: Date
        public var store: String?
        public var receipt: String?
        public var amountMinor: Int64
        public var currency: String
        /// `sale` or `return`.
        public var kind: String

        enum CodingKeys: String, CodingKey {
            case on, at, store, receipt, amountMinor = "amount_minor", currency, kind
        }
    }

    /// An unresolved complaint or service request.
    public struct OpenCase: Sendable, Hashable, Codable {
        public var id: Int64
        public var kind: String
        public var status: String
        public var owner: String
        public var at: Date
        public var summary: String
    }

    /// An open follow-up due soon.
    public struct DueFollowUp: Sendable, Hashable, Codable {
        public var id: Int64
        public var dueOn: String
        public var owner: String
        public var title: String
        public var interaction: Int64?
        public var overdue: Bool

        enum CodingKeys: String, CodingKey {
            case id, dueOn = "due_on", owner, title, interaction, overdue
        }
    }

    /// The member's interactions: how many in all and of each kind, and the latest one's time.
    public struct InteractionCounts: Sendable, Hashable, Codable {
        public var total: Int
        public var byKind: [String: Int]
        public var lastAt: Date?

        enum CodingKeys: String, CodingKey {
            case total, byKind = "by_kind", lastAt = "last_at"
        }
    }

    enum CodingKeys: String, CodingKey {
        case spendable, pending, recentPurchases = "recent_purchases", openCases = "open_cases"
        case dueFollowups = "due_followups", interactions
    }
}

import LoyaltyCore

/// Which follow-ups `followup list` shows.
public struct FollowUpQuery: Sendable, Hashable {
    /// By due day; open ones default to `.today` (due today or earlier), done ones to `.all`.
    public var window: FollowUpWindow
    public var owner: String?
    public var member: MemberReference?
    /// Done ones (most recently done first) instead of open ones (soonest due first).
    public var done: Bool
    public var limit: Int

    public init(window: FollowUpWindow = .today, owner: String? = nil, member: MemberReference? = nil, done: Bool = false, limit: Int = 100) {
        self.window = window
        self.owner = owner
        self.member = member
        self.done = done
        self.limit = limit
    }
}

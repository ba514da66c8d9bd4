import Foundation
import LoyaltyCore

/// One change of a member's marketing consent: given or withdrawn, when, where from and by whom.
public struct ConsentEvent: Sendable, Hashable, Codable {
    public var channel: ContactChannel
    public var granted: Bool
    public var at: Date
    public var source: ConsentSource
    /// The terminal or the administrator; `nil` when history began (migration) or nobody was named.
    public var actor: String?

    public init(channel: ContactChannel, granted: Bool, at: Date, source: ConsentSource, actor: String?) {
        self.channel = channel
        self.granted = granted
        self.at = at
        self.source = source
        self.actor = actor
    }
}

import Foundation

/// Marketing consent for one channel, with the time it was last given or withdrawn.
public struct Consent: Sendable, Hashable, Codable {
    public var granted: Bool
    /// When consent was given or withdrawn; `nil` when the member was never asked.
    public var changedAt: Date?

    public init(granted: Bool, changedAt: Date?) {
        self.granted = granted
        self.changedAt = changedAt
    }
}

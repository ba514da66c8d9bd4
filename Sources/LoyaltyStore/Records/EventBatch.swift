import LoyaltyCore

/// One read of the event outbox: the events as JSON lines, and where the next read starts.
public struct EventBatch: Sendable {
    public var lines: [String]
    public var next: EventPosition
    /// True when this read reached the horizon: there is nothing more to read until transactions finish.
    public var caughtUp: Bool
}

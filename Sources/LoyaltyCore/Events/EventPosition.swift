/// Where a reader of the event outbox stands: the transaction id and the event id of the last event it
/// took. Positions sort by transaction first, so no event written later can sort before one already read
/// (docs/events.md, "Reading the outbox").
public struct EventPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// PostgreSQL's 64-bit transaction id (`xid8`) of the event's transaction.
    public var transaction: UInt64
    /// The event's id; 0 stands before every event of `transaction`.
    public var event: Int64

    public init(transaction: UInt64, event: Int64) {
        self.transaction = transaction
        self.event = event
    }

    /// Before every event.
    public static let start = EventPosition(transaction: 0, event: 0)

    public static func < (lhs: EventPosition, rhs: EventPosition) -> Bool {
        (lhs.transaction, lhs.event) < (rhs.transaction, rhs.event)
    }

    public var description: String { "\(transaction):\(event)" }
}

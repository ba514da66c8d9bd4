/// Which earlier EARN a REVERSE refers to.
public enum EarnReference: Sendable, Hashable {
    /// The `req` of the original EARN, sent by the same terminal.
    case request(RequestID)
    /// The ledger entry id returned by the original EARN (`entry=`), from any terminal.
    case entry(Int64)
}

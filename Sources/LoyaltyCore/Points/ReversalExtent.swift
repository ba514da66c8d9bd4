/// How much of the original EARN a REVERSE takes back.
public enum ReversalExtent: Sendable, Hashable {
    /// Everything that is left of the earn.
    case full
    /// A refund of part of the purchase amount: points are taken back in proportion.
    case amount(Money)
    /// An explicit number of points (for earns that were given as points).
    case points(Int64)
}

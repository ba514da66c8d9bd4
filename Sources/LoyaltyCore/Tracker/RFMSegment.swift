/// The named RFM segments, from the 5 × 5 grid of recency and frequency scores (docs/purchases.md, "RFM").
/// PostgreSQL assigns them (`loyalty_rfm_segment`); this type names and orders them.
public enum RFMSegment: String, Sendable, Hashable, Codable, CaseIterable {
    case champions
    case loyal
    case potentialLoyalist = "potential-loyalist"
    case new
    case promising
    case needsAttention = "needs-attention"
    case aboutToSleep = "about-to-sleep"
    case atRisk = "at-risk"
    case cannotLose = "cannot-lose"
    case hibernating
    case lost
}

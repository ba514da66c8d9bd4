import Foundation

/// A member's purchase history in figures (`purchase metrics MEMBER`). Days are programme-local
/// (`YYYY-MM-DD`); spend is net of returns, minor units of ``currency``.
public struct MemberPurchaseMetrics: Sendable, Hashable, Codable {
    public var member: String
    public var firstPurchase: String
    public var lastPurchase: String
    /// Days with at least one sale; several receipts on one day count once.
    public var purchaseDays: Int
    /// Sales receipts, and returns.
    public var receipts: Int
    public var returns: Int
    public var spend: Int64
    public var currency: String
    /// `spend ÷ receipts`, rounded towards zero.
    public var averageSpend: Int64
    /// Mean and median days between consecutive purchase days, as decimals (`4.50`, `4.5`); nil with one day.
    public var meanGapDays: String?
    public var medianGapDays: String?
    public var expectedNextPurchase: String?
    public var daysSinceLastPurchase: Int
    public var lapseState: String
    /// Days without a purchase after which the member counts as lapsed (the lapse rule applied to them).
    public var lapseThresholdDays: Int
    public var recencyScore: Int?
    public var frequencyScore: Int?
    public var monetaryScore: Int?
    public var rfmSegment: String?

    public init(
        member: String, firstPurchase: String, lastPurchase: String, purchaseDays: Int, receipts: Int, returns: Int, spend: Int64,
        currency: String, averageSpend: Int64, meanGapDays: String?, medianGapDays: String?, expectedNextPurchase: String?,
        daysSinceLastPurchase: Int, lapseState: String, lapseThresholdDays: Int, recencyScore: Int?, frequencyScore: Int?,
        monetaryScore: Int?, rfmSegment: String?
    ) {
        self.member = member
        self.firstPurchase = firstPurchase
        self.lastPurchase = lastPurchase
        self.purchaseDays = purchaseDays
        self.receipts = receipts
        self.returns = returns
        self.spend = spend
        self.currency = currency
        self.averageSpend = averageSpend
        self.meanGapDays = meanGapDays
        self.medianGapDays = medianGapDays
        self.expectedNextPurchase = expectedNextPurchase
        self.daysSinceLastPurchase = daysSinceLastPurchase
        self.lapseState = lapseState
        self.lapseThresholdDays = lapseThresholdDays
        self.recencyScore = recencyScore
        self.frequencyScore = frequencyScore
        self.monetaryScore = monetaryScore
        self.rfmSegment = rfmSegment
    }
}

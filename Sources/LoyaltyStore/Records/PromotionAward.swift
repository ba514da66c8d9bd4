/// What one promotion added to an earn (or what a reversal took back of it).
public struct PromotionAward: Sendable, Hashable, Codable {
    /// The promotion's code.
    public var code: String
    public var points: Int64

    public init(code: String, points: Int64) {
        self.code = code
        self.points = points
    }
}

/// The filter of a saved segment: which members it selects (docs/purchases.md, "Segments"). Every
/// condition is optional and all given conditions must hold; a list matches any of its values, except
/// `tags`, which the member must all carry. PostgreSQL applies it (`loyalty_segment_members`).
public struct SegmentFilter: Sendable, Hashable, Codable {
    /// Tier codes (members without a tier record are in the lowest tier).
    public var tiers: [String]?
    public var tags: [String]?
    /// Home store: the preferred store, else the store of the first purchase.
    public var stores: [String]?
    /// Acquisition source channels (`store`, `web`, `import`, …).
    public var sources: [String]?
    public var rfmSegments: [RFMSegment]?
    public var recency: ScoreRange?
    public var frequency: ScoreRange?
    public var monetary: ScoreRange?
    public var lapse: [LapseState]?
    public var daysSincePurchase: ScoreRange?
    public var points: ScoreRange?
    /// 1 (January) to 12.
    public var birthdayMonths: [Int]?
    /// Channels the member must have consented to.
    public var consent: [ContactChannel]?

    public init() {}

    /// True when it selects every member.
    public var isEmpty: Bool { self == SegmentFilter() }

    /// The conditions in words, one per line, for `segment show`.
    public var conditions: [String] {
        var lines: [String] = []
        func add(_ name: String, _ values: [String]?, joiner: String = " or ") {
            if let values { lines.append("\(name) \(values.joined(separator: joiner))") }
        }
        add("tier", tiers)
        add("tags", tags, joiner: " and ")
        add("home store", stores)
        add("source", sources)
        add("RFM segment", rfmSegments?.map(\.rawValue))
        if let recency { lines.append("recency score \(recency.text)") }
        if let frequency { lines.append("frequency score \(frequency.text)") }
        if let monetary { lines.append("monetary score \(monetary.text)") }
        add("lapse state", lapse?.map(\.rawValue))
        if let daysSincePurchase { lines.append("days since last purchase \(daysSincePurchase.text)") }
        if let points { lines.append("points balance \(points.text)") }
        add("birthday month", birthdayMonths?.map(String.init))
        add("consent to", consent?.map(\.rawValue), joiner: " and ")
        return lines.isEmpty ? ["every member"] : lines
    }

    enum CodingKeys: String, CodingKey {
        case tiers, tags, stores, sources
        case rfmSegments = "rfm_segments"
        case recency, frequency, monetary, lapse
        case daysSincePurchase = "days_since_purchase"
        case points
        case birthdayMonths = "birthday_months"
        case consent
    }
}

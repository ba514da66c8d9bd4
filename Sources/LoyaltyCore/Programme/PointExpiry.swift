/// When points expire (docs/programme.md, "Expiry").
public enum PointExpiry: Sendable, Hashable {
    /// Points never expire.
    case never
    /// Each earn's points expire this many months after they were earned; spending uses the oldest first.
    case lifetime(months: Int)
    /// All of a member's points expire when they have neither earned nor spent for this many months.
    case inactivity(months: Int)

    /// Parses the `points.expiry` setting (`never`, `lifetime`, `inactivity`) with its months.
    public init(policy: String, months: Int?) throws(LoyaltyError) {
        switch policy {
        case "never":
            self = .never
            return
        case "lifetime", "inactivity":
            guard let months else { throw .badArgument("points.expiry-months", "is required for expiry '\(policy)'") }
            guard (1...240).contains(months) else { throw .badArgument("points.expiry-months", "must be 1...240 months") }
            self = policy == "lifetime" ? .lifetime(months: months) : .inactivity(months: months)
        default:
            throw .badArgument("points.expiry", "must be never, lifetime or inactivity, got '\(policy.prefix(20))'")
        }
    }

    /// The policy's name as configured.
    public var policy: String {
        switch self {
        case .never: "never"
        case .lifetime: "lifetime"
        case .inactivity: "inactivity"
        }
    }

    /// The months of a lifetime or inactivity policy.
    public var months: Int? {
        switch self {
        case .never: nil
        case .lifetime(let months), .inactivity(let months): months
        }
    }
}

/// The programme's rules that the ledger applies: tiers, pending points and expiry, the limits of point
/// transfers, and the time zone in which the programme's dates (promotion days, birthday months, calendar
/// years) are read.
public struct ProgrammeRules: Sendable, Hashable {
    public var tiers: TierRules
    public var points: PointRules
    /// How many points a member may transfer to another, per transfer and per 30 days.
    public var transfers: TransferRules
    /// An IANA time zone name, such as `Europe/Berlin`. Checked by PostgreSQL, which applies it.
    public var timeZone: String

    public init(
        tiers: TierRules = .standard, points: PointRules = .standard, transfers: TransferRules = .standard,
        timeZone: String = "UTC"
    ) throws(LoyaltyError) {
        guard !timeZone.isEmpty, timeZone.count <= 64,
            timeZone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) })
        else {
            throw .badArgument("programme.time-zone", "must be an IANA time zone name such as Europe/Berlin")
        }
        self.tiers = tiers
        self.points = points
        self.transfers = transfers
        self.timeZone = timeZone
    }

    /// Twelve rolling months of base points for tiers, points spendable at once and never expiring, the
    /// standard transfer limits, UTC.
    public static let standard = ProgrammeRules(checked: ())

    private init(checked: Void) {
        tiers = .standard
        points = .standard
        transfers = .standard
        timeZone = "UTC"
    }
}

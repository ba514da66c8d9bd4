/// `loyalty report cohorts`: monthly cohort retention, oldest cohort first.
public struct CohortReport: Sendable, Hashable, Codable {
    /// The programme-local day the figures are as of.
    public var asOf: String
    public var rows: [CohortRow]

    public init(asOf: String, rows: [CohortRow]) {
        self.asOf = asOf
        self.rows = rows
    }
}

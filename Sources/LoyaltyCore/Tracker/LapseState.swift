/// Where a member stands under the programme's ``LapseRule``.
public enum LapseState: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case atRisk = "at-risk"
    case lapsed
    /// No purchase day yet.
    case never
}

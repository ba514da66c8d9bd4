import Foundation

/// What the evaluation of one member's tier did (`loyalty_evaluate_tier`, docs/programme.md §3.9).
public struct TierEvaluation: Sendable, Hashable, Codable {
    /// The result of one evaluation.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The evaluation was not (or no longer) due: another run got there first, or nothing to evaluate.
        case notDue = "not-due"
        /// The member still qualifies for their tier; it holds until a new evaluation date.
        case confirmed
        /// The member no longer qualifies and moved down.
        case downgraded
        /// The member qualifies for a tier above the one they held (one set by hand below it) and moved up.
        case upgraded
    }

    /// What the evaluation did.
    public var outcome: Outcome
    /// The member's number; absent when the evaluation was not due.
    public var member: String?
    /// The tier before and after the evaluation (the same when confirmed).
    public var from: String?
    public var to: String?
    /// The member's qualifying points (or spend in minor units) at the evaluation.
    public var qualifying: Int64?
    /// The threshold of the tier the member held.
    public var threshold: Int64?
    /// The evaluation date that was due (YYYY-MM-DD, the programme's local date).
    public var evaluationOn: String?

    enum CodingKeys: String, CodingKey {
        case outcome, member, from, to, qualifying, threshold, evaluationOn = "evaluation_on"
    }
}

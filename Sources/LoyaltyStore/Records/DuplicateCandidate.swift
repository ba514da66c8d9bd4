import Foundation

/// A pair of open members that are likely one person, with the score and what they share.
public struct DuplicateCandidate: Sendable, Hashable, Codable {
    /// One side of a pair, as much as a person needs to decide.
    public struct Side: Sendable, Hashable, Codable {
        public var number: String
        public var firstName: String
        public var lastName: String
        public var email: String?
        public var phone: String?
        public var birthDate: String?
        public var postalCode: String?
        public var points: Int64
        public var createdAt: Date
    }

    /// 0–100; see `docs/crm.md` for how it is made up.
    public var score: Int
    /// What the two share: `email`, `phone`, `name` or `similar name`, `birth date`, `address`.
    public var reasons: [String]
    /// The record enrolled first (the usual one to keep).
    public var first: Side
    public var second: Side
}

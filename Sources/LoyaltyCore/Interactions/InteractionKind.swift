/// What kind of contact an interaction records. Complaints and service requests are cases: they have a
/// status and an owner until they are resolved.
public enum InteractionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case note
    case call
    case email
    case visit
    case complaint
    case serviceRequest = "service-request"

    /// Whether interactions of this kind have a status and an owner.
    public var isCase: Bool { self == .complaint || self == .serviceRequest }

    /// Parses a kind as the CLI takes it (`service-request`).
    public init(parsing text: String, argument: String = "kind") throws(LoyaltyError) {
        guard let kind = Self(rawValue: text.lowercased()) else {
            throw .badArgument(argument, "one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")) expected, got '\(text.prefix(20))'")
        }
        self = kind
    }
}

/// A channel marketers reach members through, each with its own consent.
public enum ContactChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email
    case sms
}

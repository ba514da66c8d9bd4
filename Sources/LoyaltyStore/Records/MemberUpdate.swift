import LoyaltyCore

/// Changes to a member's record. Fields left `.keep` are not touched.
public struct MemberUpdate: Sendable, Hashable {
    public enum Change<Value: Sendable & Hashable>: Sendable, Hashable {
        case keep
        case set(Value)
        case clear
    }

    public var firstName: String?
    public var lastName: String?
    public var email: Change<EmailAddress> = .keep
    public var phone: Change<PhoneNumber> = .keep
    public var birthDate: Change<CalendarDate> = .keep
    public var addressLine1: Change<String> = .keep
    public var addressLine2: Change<String> = .keep
    public var postalCode: Change<String> = .keep
    public var city: Change<String> = .keep
    public var country: Change<String> = .keep
    public var preferredStore: Change<String> = .keep
    public var externalID: Change<String> = .keep
    /// The acquisition source, by code.
    public var source: Change<RecordCode> = .keep
    public var emailConsent: Bool?
    public var smsConsent: Bool?
    public var addTags: [String] = []
    public var removeTags: [String] = []

    public init() {}

    public var isEmpty: Bool { self == MemberUpdate() }
}

extension MemberUpdate.Change {
    /// (whether to change the column, the new value) as bound to SQL.
    var sqlPair: (Bool, Value?) {
        switch self {
        case .keep: (false, nil)
        case .set(let value): (true, value)
        case .clear: (true, nil)
        }
    }
}

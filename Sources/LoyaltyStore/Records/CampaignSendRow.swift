import Foundation

/// One contacted member of a campaign's send list: the address the campaign used and when.
public struct CampaignSendRow: Sendable, Hashable, Codable {
    public var member: String
    public var firstName: String
    public var lastName: String
    /// The email address or phone number recorded at the send (empty once the member's data was erased).
    public var address: String
    public var contactedAt: Date

    public init(member: String, firstName: String, lastName: String, address: String, contactedAt: Date) {
        self.member = member
        self.firstName = firstName
        self.lastName = lastName
        self.address = address
        self.contactedAt = contactedAt
    }
}

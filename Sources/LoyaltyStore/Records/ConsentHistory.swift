import Foundation
import LoyaltyCore

/// A member's consent now and every change of it, oldest first (`member consent`).
public struct ConsentHistory: Sendable, Hashable, Codable {
    public var member: String
    public var email: Consent
    public var sms: Consent
    public var events: [ConsentEvent]

    public init(member: String, email: Consent, sms: Consent, events: [ConsentEvent]) {
        self.member = member
        self.email = email
        self.sms = sms
        self.events = events
    }

    /// The changes of one channel, oldest first.
    public func events(of channel: ContactChannel) -> [ConsentEvent] {
        events.filter { $0.channel == channel }
    }
}

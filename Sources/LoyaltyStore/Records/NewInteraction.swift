import Foundation
import LoyaltyCore

/// What `interaction add` records; the author is the acting administrator.
public struct NewInteraction: Sendable, Hashable {
    public var kind: InteractionKind
    public var channel: InteractionChannel
    /// One line, 1 to 200 characters.
    public var summary: String
    /// Free text, up to 10,000 characters.
    public var body: String?
    /// The owner of a complaint or service request (default: the author); refused for other kinds.
    public var owner: String?
    /// When it happened (default: now); never in the future.
    public var occurredAt: Date?

    public init(
        kind: InteractionKind, channel: InteractionChannel, summary: String, body: String? = nil, owner: String? = nil,
        occurredAt: Date? = nil
    ) {
        self.kind = kind
        self.channel = channel
        self.summary = summary
        self.body = body
        self.owner = owner
        self.occurredAt = occurredAt
    }
}

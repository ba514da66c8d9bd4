import Foundation

/// One queued delivery of an event to a subscription, with its latest attempt.
public struct WebhookDeliveryRecord: Sendable, Hashable, Encodable {
    public var id: Int64
    public var webhook: Int64
    public var event: Int64
    public var eventType: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, webhook, event, eventType = "type", status, attempts, nextAttemptAt = "next_attempt_at",
            lastStatus = "last_status", lastError = "last_error", createdAt = "created_at", deliveredAt = "delivered_at"
    }
}

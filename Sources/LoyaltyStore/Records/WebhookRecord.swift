import Foundation

/// A webhook subscription as stored: where events go, which ones, and its state.
public struct WebhookRecord: Sendable, Hashable, Encodable {
    public var id: Int64
    public var url: String
    /// Exact event types or prefixes ending in a dot.
    public var types: [String]
    public var status: String
    public var note: String?
    public var createdBy: String
    public var createdAt: Date
    /// Deliveries waiting, delivered and dead.
    public var pending: Int64
    public var delivered: Int64
    public var dead: Int64
    /// The random salt the signing secret is derived from (never printed).
    public var secretSalt: [UInt8]

    enum CodingKeys: String, CodingKey {
        case id, url, types = "events", status, note, createdBy = "created_by", createdAt = "created_at", pending, delivered, dead
    }
}

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

/// A delivery to attempt now.
public struct DueWebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var event: Int64
    public var body: String
    public var attempts: Int
}

/// How retries go: `backoff` × 2^(attempts − 1), at most `maximumBackoff`; dead after `maximumAttempts`.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var maximumAttempts: Int
    public var backoffSeconds: Int
    public var maximumBackoffSeconds: Int

    public init(maximumAttempts: Int = 8, backoffSeconds: Int = 10, maximumBackoffSeconds: Int = 3600) {
        self.maximumAttempts = maximumAttempts
        self.backoffSeconds = backoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
    }
}

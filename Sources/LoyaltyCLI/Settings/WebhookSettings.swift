import LoyaltyStore

/// `webhooks.max-attempts` (8), `webhooks.backoff-seconds` (10), `webhooks.backoff-max-seconds` (3600),
/// `webhooks.timeout-seconds` (10), `webhooks.concurrency` (8): the sender's retries and pace.
struct WebhookSettings: Sendable {
    var policy: WebhookRetryPolicy
    var timeout: Duration
    var concurrency: Int
}

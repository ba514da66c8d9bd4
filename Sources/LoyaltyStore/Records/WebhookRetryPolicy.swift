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

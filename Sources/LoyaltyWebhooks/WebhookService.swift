import ServiceLifecycle

/// The sender as a long-running service: rounds every `interval` until a graceful shutdown (SIGTERM),
/// which lets the round in flight finish its attempts and record them.
public struct WebhookService: Service {
    public var sender: WebhookSender
    public var interval: Duration

    public init(sender: WebhookSender, interval: Duration) {
        self.sender = sender
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let round = try await sender.runOnce()
                if round != WebhookRound() {
                    sender.logger.info(
                        "webhook round",
                        metadata: [
                            "queued": "\(round.queued)", "delivered": "\(round.delivered)", "retried": "\(round.retried)",
                            "dead": "\(round.dead)",
                        ])
                }
            } catch {
                sender.logger.error("webhook round failed", metadata: ["error": "\(error)"])
            }
            // The pause ends early at shutdown; the round itself is never cut short.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

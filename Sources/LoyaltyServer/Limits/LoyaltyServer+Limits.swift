import Logging
import LoyaltyCore
import LoyaltyProtocol
import NIOCore

extension LoyaltyServer {
    /// Answers a connection over its address's cap with `ERR LIMIT` and closes it.
    func refuse(_ connection: NIOAsyncChannel<Frame, ByteBuffer>, source: ClientLimiter.Source) async {
        let cap = configuration.limits.maximumConnectionsPerAddress ?? 0
        logger.warning(
            "connection refused: too many from this address", metadata: ["address": "\(source.address)", "limit": "\(cap)"])
        try? await connection.executeThenClose { _, outbound in
            var reply = connection.channel.allocator.buffer(capacity: 96)
            Reply.error(LoyaltyError(.limit, "too many connections from this address (at most \(cap))")).encode(into: &reply)
            try await outbound.write(reply)
        }
    }

    /// Counts the outcome of an AUTH for the address's backoff: a failure adds one, a success clears them.
    static func countAuth(_ answer: Reply, from source: ClientLimiter.Source, limiter: ClientLimiter, logger: Logger) {
        switch answer {
        case .error(let error) where error.code == .authFailed:
            let failures = limiter.authFailed(from: source)
            if failures > limiter.limits.freeAuthFailures {
                logger.warning("AUTH backoff", metadata: ["address": "\(source.address)", "failures": "\(failures)"])
            }
        case .ok:
            limiter.authSucceeded(from: source)
        default:
            break
        }
    }
}

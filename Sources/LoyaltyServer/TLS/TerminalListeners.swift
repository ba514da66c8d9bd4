import LoyaltyCore
import NIOCore
import NIOSSL

/// The listening sockets the configuration asks for: plaintext on `server.port`, TLS on `server.tls.port`,
/// or both while tills move over to TLS.
struct TerminalListeners: Sendable {
    typealias Listener = NIOAsyncChannel<AcceptedConnection, Never>

    /// Each listener, and whether it is the TLS one.
    let all: [(Listener, Bool)]

    /// Checks the combination, loads the TLS files and binds.
    ///
    /// - Throws: `CONFIGURATION` when plaintext is off without TLS, when a TLS file is bad, or when a port
    ///   cannot be bound. Nothing is left listening after a failure.
    static func open(
        _ configuration: ServerConfiguration,
        bind: (Int, NIOSSLContext?) async throws(LoyaltyError) -> Listener
    ) async throws(LoyaltyError) -> TerminalListeners {
        guard configuration.plaintext || configuration.tls != nil else {
            throw LoyaltyError(.configuration, "server.plaintext is false but no TLS is configured (server.tls.certificate)")
        }
        let context = try configuration.tls?.makeContext()
        var listeners: [(Listener, Bool)] = []
        do throws(LoyaltyError) {
            if configuration.plaintext { listeners.append((try await bind(configuration.port, nil), false)) }
            if let tls = configuration.tls, let context { listeners.append((try await bind(tls.port, context), true)) }
        } catch {
            for (listener, _) in listeners { try? await listener.executeThenClose { _ in } }
            throw error
        }
        return TerminalListeners(all: listeners)
    }
}

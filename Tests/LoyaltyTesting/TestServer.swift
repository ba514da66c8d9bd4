import Logging
import LoyaltyCore
import LoyaltyServer
import LoyaltyStore
import NIOCore
import ServiceLifecycle
import ServiceLifecycleTestKit

/// A terminal server running on an ephemeral port against an isolated test database.
public struct TestServer: Sendable {
    /// The plaintext listener's port; 0 when plaintext is disabled.
    public let port: Int
    /// The TLS listener's port, when the configuration has TLS.
    public var tlsPort: Int? = nil
    public let store: LoyaltyStore
    public let database: TestDatabase

    /// Opens a raw connection.
    public func connect() async throws -> LineClient {
        try await LineClient.connect(port: port)
    }

    /// Registers a terminal (as an administrator would) and returns its name and secret.
    public func addTerminal(_ name: String = "till-1", store code: String? = "store-1") async throws -> (name: String, secret: String) {
        let (terminal, secret) = try await store.addTerminal(name: name, storeCode: code, actor: "test")
        return (terminal.name, secret)
    }

    /// A connection already authenticated as a new terminal of that name.
    public func terminal(_ name: String = "till-1") async throws -> LineClient {
        let (terminal, secret) = try await addTerminal(name)
        let client = try await connect()
        let reply = try await client.request("AUTH terminal=\(terminal) secret=\(secret)")
        guard reply.hasPrefix("OK") else { throw TestServerError.authFailed(reply) }
        return client
    }
}

public enum TestServerError: Error {
    case noPort
    case authFailed(String)
}

/// Runs `body` with a live server on 127.0.0.1 and an ephemeral port; shuts it down gracefully afterwards.
/// `giftCardRules` are the store's gift-card limits (small ones let tests reach them quickly); `metrics` where
/// the server counts (a no-op by default); `logger`, when given, is the server's and the store's logger.
public func withTestServer<T: Sendable>(
    database: TestDatabase? = nil,
    rules: ProgrammeRules = .standard,
    giftCardRules: GiftCardRules = .standard,
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger? = nil,
    configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    let options = TestServerOptions(rules: rules, giftCardRules: giftCardRules, metrics: metrics, logger: logger)
    if let database {
        return try await runTestServer(database: database, options: options, configure: configure, body)
    }
    return try await withTestDatabase { database in
        try await runTestServer(database: database, options: options, configure: configure, body)
    }
}

private struct TestServerOptions: Sendable {
    let rules: ProgrammeRules
    let giftCardRules: GiftCardRules
    let metrics: ServerMetrics
    let logger: Logger?
}

private func runTestServer<T: Sendable>(
    database: TestDatabase, options: TestServerOptions,
    configure: @Sendable (inout ServerConfiguration) -> Void,
    _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    let logger = options.logger ?? database.logger
    let store = LoyaltyStore(
        client: database.client, logger: logger, rules: options.rules, giftCardRules: options.giftCardRules,
        installationKey: testInstallationKey)
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let (addresses, continuation) = AsyncStream.makeStream(of: (Bool, SocketAddress).self)
    let server = LoyaltyServer(
        configuration: configuration, store: store, logger: logger, metrics: options.metrics,
        onServerRunning: { address in continuation.yield((false, address)) },
        onTLSServerRunning: { address in continuation.yield((true, address)) })
    return try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.run()
                return nil
            }
            var iterator = addresses.makeAsyncIterator()
            var port = 0
            var tlsPort: Int?
            for _ in 0..<((configuration.plaintext ? 1 : 0) + (configuration.tls == nil ? 0 : 1)) {
                guard let (isTLS, address) = await iterator.next(), let bound = address.port else {
                    throw TestServerError.noPort
                }
                if isTLS { tlsPort = bound } else { port = bound }
            }
            let result: T
            do {
                result = try await body(TestServer(port: port, tlsPort: tlsPort, store: store, database: database))
            } catch {
                trigger.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}

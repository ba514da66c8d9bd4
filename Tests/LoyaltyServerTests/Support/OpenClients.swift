import LoyaltyCore
import LoyaltyServer
import LoyaltyTesting
import Synchronization

/// The connections a test opened, closed for it when it ends, whether it passes or fails.
///
/// A `LineClient` must be closed (by either side) before it is released: its NIO writer traps when it is
/// deinitialised while the channel is still open, which would take the whole test process down with one
/// failing test. Every connection of these tests is therefore opened through ``TestServer/open()`` and
/// kept here until the server has shut down, then closed.
final class OpenClients: Sendable {
    @TaskLocal static var current: OpenClients?

    private let clients = Mutex<[LineClient]>([])

    /// Keeps `client` until the end of the surrounding ``withOpenClients(_:)``.
    @discardableResult
    static func track(_ client: LineClient) -> LineClient {
        current?.clients.withLock { $0.append(client) }
        return client
    }

    func closeAll() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return clients
        }
        for client in all { await client.close() }
    }
}

/// Runs `body`; every connection it opens through ``TestServer/open()`` is closed afterwards.
func withOpenClients<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async throws -> T {
    let clients = OpenClients()
    let outcome: Result<T, any Error>
    do {
        outcome = .success(try await OpenClients.$current.withValue(clients) { try await body() })
    } catch {
        outcome = .failure(error)
    }
    await clients.closeAll()
    return try outcome.get()
}

/// `withTestServer`, with every connection the test opened closed once the server has shut down.
func withServer<T: Sendable>(
    database: TestDatabase? = nil,
    rules: ProgrammeRules = .standard,
    giftCardRules: GiftCardRules = .standard,
    configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    try await withOpenClients {
        try await withTestServer(database: database, rules: rules, giftCardRules: giftCardRules, configure: configure, body)
    }
}

extension TestServer {
    /// A raw connection, closed when the test ends.
    func open() async throws -> LineClient {
        OpenClients.track(try await LineClient.connect(port: port))
    }

    /// A connection authenticated as a new terminal of that name, closed when the test ends.
    func till(_ name: String = "till-1") async throws -> LineClient {
        try await connect(as: try await addTerminal(name))
    }

    /// A new connection authenticated as an existing terminal (several connections of one terminal).
    func connect(as terminal: (name: String, secret: String)) async throws -> LineClient {
        let client = try await open()
        let reply = try await client.request("AUTH terminal=\(terminal.name) secret=\(terminal.secret)")
        guard reply.hasPrefix("OK ") else { throw UnexpectedReply(reply: reply, reason: "AUTH refused") }
        return client
    }
}

import Logging
import LoyaltyServer
import LoyaltyStore
import PostgresNIO
import ServiceLifecycle

/// Brings the schema up to date (or checks it is) once the PostgreSQL client runs, then finishes;
/// ``ServerAfterMigrations`` waits for it before accepting terminals.
final class MigrationService: Service, @unchecked Sendable {
    let client: PostgresClient
    let policy: CommandRuntime.MigrationPolicy
    let logger: Logger
    private let (done, doneContinuation) = AsyncStream.makeStream(of: Result<Void, any Error>.self)

    init(client: PostgresClient, policy: CommandRuntime.MigrationPolicy, logger: Logger) {
        self.client = client
        self.policy = policy
        self.logger = logger
    }

    func run() async throws {
        do {
            try await CommandRuntime.prepareSchema(client: client, policy: policy, logger: logger)
            doneContinuation.yield(.success(()))
            doneContinuation.finish()
        } catch {
            doneContinuation.yield(.failure(error))
            doneContinuation.finish()
            throw error
        }
    }

    /// Waits until the schema is ready; throws what the migration threw.
    func waitUntilReady() async throws {
        for await outcome in done {
            try outcome.get()
            return
        }
        throw CancellationError()
    }
}

/// The terminal server, started once the schema is ready.
struct ServerAfterMigrations: Service {
    let server: LoyaltyServer
    let migrations: MigrationService
    let store: LoyaltyStore

    func run() async throws {
        try await migrations.waitUntilReady()
        try await store.verifyConfiguration()
        try await server.run()
    }
}

import Logging
import LoyaltyStore
import PostgresNIO

/// A fresh database of its own for one test, with a running client.
public struct TestDatabase: Sendable {
    /// A running client for the database (pool of 4 connections).
    public let client: PostgresClient
    /// The database's URL.
    public let url: DatabaseURL
    /// The database's name (`t_<random>`).
    public let name: String
    /// The tests' logger.
    public let logger: Logger
}

/// What a test database starts with.
public enum TestDatabaseSchema: Sendable, Hashable {
    /// Every migration applied (cloned from the migrated template).
    case migrated
    /// Nothing: an empty database, as PostgreSQL creates one (for migrator tests).
    case empty
}

/// Runs `body` with a fresh database cloned from the migrated template (or empty), on the test process's
/// shared PostgreSQL server, and drops the database afterwards.
///
/// Safe to call from tests running in parallel: each gets a database of its own. When PostgreSQL cannot be
/// started, this throws an error saying why, so the test fails (it is never skipped).
@discardableResult
public func withTestDatabase<T>(
    schema: TestDatabaseSchema = .migrated,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TestDatabase) async throws -> T
) async throws -> T {
    let postgres = TestPostgres.shared
    let url = try await postgres.createDatabase(schema: schema)
    let logger = postgres.logger
    let outcome: Result<T, any Error>
    do {
        outcome = .success(
            try await withPostgresClient(url, poolSize: 4, logger: logger) { client in
                try await body(TestDatabase(client: client, url: url, name: url.database, logger: logger))
            }
        )
    } catch {
        outcome = .failure(error)
    }
    do {
        try await postgres.dropDatabase(named: url.database)
    } catch {
        // A failing test's own error matters more than the clean-up's.
        if case .success = outcome { throw error }
    }
    return try outcome.get()
}

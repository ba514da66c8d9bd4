import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore
import PostgresNIO

/// Where the database is: an external server, or the embedded cluster under the state directory.
///
/// The embedded cluster is shared by every `loyalty` process using the same state directory: the first
/// starts it, and whoever finishes last stops it. Each process names its connections
/// (`application_name`) so that, when done, it can tell whether anyone else is still connected.
struct DatabaseLocation: Sendable {
    /// The database, with this process's `application_name`.
    let url: DatabaseURL
    let embedded: EmbeddedPostgres?

    /// - Parameter role: what this process is (`serve`, `cli`), for the connection name.
    static func open(settings: Settings, role: String, logger: Logger) async throws -> DatabaseLocation {
        let name = "loyalty-\(role)-\(ProcessInfo.processInfo.processIdentifier)"
        if var url = settings.databaseURL {
            url.applicationName = url.applicationName ?? name
            return DatabaseLocation(url: url, embedded: nil)
        }
        let cluster = EmbeddedPostgres(
            home: settings.home, logger: logger, binDirectory: settings.postgresBinDirectory, runAsUser: settings.postgresUser)
        try await cluster.start()
        var url = cluster.databaseURL
        url.applicationName = name
        return DatabaseLocation(url: url, embedded: cluster)
    }

    /// Stops the embedded cluster unless another process is still connected to it. Call it once this
    /// process's own client has shut down.
    func close(logger: Logger) async throws {
        guard let embedded else { return }
        let others: Int
        do {
            others = try await otherClients(logger: logger)
        } catch {
            logger.debug("could not count the cluster's other clients", metadata: ["error": "\(error)"])
            others = 0
        }
        if others > 0 {
            logger.info("leaving the embedded PostgreSQL running: other clients are connected", metadata: ["clients": "\(others)"])
            return
        }
        try await embedded.stop()
    }

    /// Client sessions of other processes (any `application_name` but this process's).
    private func otherClients(logger: Logger) async throws -> Int {
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(), id: 0, logger: logger)
        do {
            let rows = try await connection.query(
                """
                select count(*)::int8 from pg_stat_activity
                 where backend_type = 'client backend' and application_name is distinct from \(url.applicationName)
                """,
                logger: logger)
            var count = 0
            for try await value in rows.decode(Int64.self) { count = Int(value) }
            try await connection.close()
            return count
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

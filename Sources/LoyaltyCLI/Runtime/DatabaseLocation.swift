import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore

/// Where the database is: an external server, or the embedded cluster under the state directory.
///
/// The embedded cluster is shared by every `loyalty` process using the same state directory: the first
/// starts it, each one claims it while it runs (``EmbeddedPostgresClaim``), and whoever releases the
/// last claim stops it.
struct DatabaseLocation: Sendable {
    /// The database, with this process's `application_name`.
    let url: DatabaseURL
    /// Where migrations run: `database.migration-url` (the schema owner) when set, else ``url``.
    let migrationURL: DatabaseURL
    let embedded: (cluster: EmbeddedPostgres, claim: EmbeddedPostgresClaim)?

    /// - Parameter role: what this process is (`serve`, `cli`), for the connection name.
    static func open(settings: Settings, role: String, logger: Logger) async throws -> DatabaseLocation {
        let name = "loyalty-\(role)-\(ProcessInfo.processInfo.processIdentifier)"
        if var url = settings.databaseURL {
            url.applicationName = url.applicationName ?? name
            var migrationURL = settings.databaseMigrationURL ?? url
            migrationURL.applicationName = migrationURL.applicationName ?? name
            return DatabaseLocation(url: url, migrationURL: migrationURL, embedded: nil)
        }
        let cluster = EmbeddedPostgres(
            home: settings.home, logger: logger, binDirectory: settings.postgresBinDirectory, runAsUser: settings.postgresUser)
        let (_, claim) = try await cluster.startAndClaim()
        var url = cluster.databaseURL
        url.applicationName = name
        return DatabaseLocation(url: url, migrationURL: url, embedded: (cluster, claim))
    }

    /// Releases this process's claim on the embedded cluster, stopping it if no other `loyalty` process
    /// uses it. Call it once this process's own client has shut down.
    func close(logger: Logger) async throws {
        guard let embedded else { return }
        try await embedded.cluster.release(embedded.claim)
    }
}

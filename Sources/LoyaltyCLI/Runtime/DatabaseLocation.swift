import Logging
import LoyaltyCore
import LoyaltyStore

/// Where the database is: an external server, or the embedded cluster under the state directory.
final class DatabaseLocation: @unchecked Sendable {
    let url: DatabaseURL
    let embedded: EmbeddedPostgres?
    /// Whether this process started the embedded cluster (and so should stop it when done).
    let startedHere: Bool
    /// Set before closing: other processes still use the cluster, so leave it running.
    var othersConnected = 0

    private init(url: DatabaseURL, embedded: EmbeddedPostgres?, startedHere: Bool) {
        self.url = url
        self.embedded = embedded
        self.startedHere = startedHere
    }

    static func open(settings: Settings, logger: Logger) async throws -> DatabaseLocation {
        if let url = settings.databaseURL {
            return DatabaseLocation(url: url, embedded: nil, startedHere: false)
        }
        let cluster = EmbeddedPostgres(
            home: settings.home, logger: logger, binDirectory: settings.postgresBinDirectory, runAsUser: settings.postgresUser)
        let outcome = try await cluster.start()
        return DatabaseLocation(url: cluster.databaseURL, embedded: cluster, startedHere: outcome == .started)
    }

    /// Stops the embedded cluster if this process started it and nobody else is connected.
    func close(logger: Logger) async throws {
        guard let embedded, startedHere else { return }
        if othersConnected > 0 {
            logger.info("leaving the embedded PostgreSQL running: other clients are connected")
            return
        }
        try await embedded.stop()
    }
}

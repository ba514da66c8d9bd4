import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore
import PostgresNIO

// Starting the server and preparing the migrated template.
extension TestPostgres {
    static func makeServer(environment: [String: String], logger: Logger) async throws -> Server {
        if let text = environment["LOYALTY_TEST_DATABASE_URL"], !text.isEmpty {
            let url = try DatabaseURL(parsing: text)
            let template = try await prepareTemplate(on: url, logger: logger)
            return Server(url: url, templateName: template, embedded: nil)
        }
        let embedded: EmbeddedPostgres
        do {
            let home = try makeTemporaryDirectory(prefix: "pg-")
            embedded = EmbeddedPostgres(home: home, logger: logger, binDirectory: environment["LOYALTY_PG_BIN"])
            try await embedded.start()
        } catch {
            let reason = (error as? LoyaltyError)?.message ?? "\(error)"
            throw LoyaltyError(.configuration, "the tests need PostgreSQL, which could not be started: \(reason)")
        }
        let url = embedded.databaseURL.withDatabase("postgres")
        let template = try await prepareTemplate(on: url, logger: logger)
        return Server(url: url, templateName: template, embedded: embedded)
    }

    /// Creates `loyalty_template_<checksum>` with every migration applied, unless it exists. Built under
    /// another name and renamed when complete, under an advisory lock, so that concurrent test processes
    /// sharing a server neither build it twice nor see it half-made.
    static func prepareTemplate(on url: DatabaseURL, logger: Logger) async throws -> String {
        let fingerprint = Migration.checksum(of: Migration.all.map(\.checksum).joined(separator: "\n"))
        let template = "loyalty_template_" + fingerprint.prefix(12)
        let building = template + "_build"
        let lockKey: Int64 = 0x004C_5954_4553_5453
        try await withConnection(to: url, logger: logger) { connection in
            try await connection.query("select pg_advisory_lock(\(lockKey))", logger: logger)
            let rows = try await connection.query("select 1 from pg_database where datname = \(template)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if exists { return }
            try await connection.query(PostgresQuery(unsafeSQL: "drop database if exists \(quoted(building)) with (force)"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "create database \(quoted(building)) template template0"), logger: logger)
            try await migrate(url.withDatabase(building), logger: logger)
            try await retryingWhileInUse {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "alter database \(quoted(building)) rename to \(quoted(template))"),
                    logger: logger
                )
            }
        }
        return template
    }

    private static func migrate(_ url: DatabaseURL, logger: Logger) async throws {
        do {
            try await withPostgresClient(url, poolSize: 1, logger: logger) { client in
                try await Migrator(client: client, logger: logger).migrate()
            }
        } catch {
            throw LoyaltyError(.configuration, "the tests' template database could not be migrated: \(error)")
        }
    }

    /// Runs one statement on a new connection to `url`'s database.
    static func execute(_ sql: String, on url: DatabaseURL, logger: Logger) async throws {
        try await withConnection(to: url, logger: logger) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            return ()
        }
    }

    static func withConnection<T: Sendable>(
        to url: DatabaseURL, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(), id: Int.random(in: 1...Int(Int32.max)), logger: logger
        )
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw describe(error)
        }
    }

    /// Retries while PostgreSQL says the database is in use by other sessions (SQLSTATE 55006), for up to
    /// ten seconds: a template being copied, or a client that has just disconnected.
    static func retryingWhileInUse(_ body: () async throws -> Void) async throws {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 200 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// `"name"`, quoted as an SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// PSQLError's description is deliberately generic; tests want the server's message.
    static func describe(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError, error.serverInfo != nil else { return error }
        return LoyaltyError(.configuration, String(reflecting: error))
    }
}

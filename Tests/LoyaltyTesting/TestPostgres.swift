import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore
import PostgresNIO

/// The PostgreSQL server the test process uses, set up once on first use.
///
/// If `LOYALTY_TEST_DATABASE_URL` is set, that server is used (the role needs `CREATEDB`); otherwise a
/// private ``EmbeddedPostgres`` cluster is started in a fresh directory under `/tmp`, exactly as `loyalty`
/// starts its own, and shut down and deleted when the test process exits. `LOYALTY_PG_BIN` points at the
/// PostgreSQL programs if they are somewhere unusual. `LOYALTY_TEST_LOG_LEVEL` sets the tests' log level
/// (default `warning`).
///
/// A template database with every migration applied (`loyalty_template_<checksum>`, named after the
/// migrations so that a shared server never hands out a stale schema) is created once; each test database is
/// a copy of it (`CREATE DATABASE … TEMPLATE`), which takes milliseconds.
public actor TestPostgres {
    /// The process-wide instance.
    public static let shared = TestPostgres()

    /// The server in use.
    public struct Server: Sendable {
        /// The server's maintenance database (for `CREATE DATABASE` and `DROP DATABASE`).
        public let url: DatabaseURL
        /// The migrated template database.
        public let templateName: String
        /// The private cluster, unless an external server is used.
        public let embedded: EmbeddedPostgres?
    }

    /// The tests' logger.
    public nonisolated let logger: Logger
    private let environment: [String: String]
    private var setup: Task<Server, any Error>?
    private let cloning = SerialGate()

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        var logger = Logger(label: "loyalty.tests")
        logger.logLevel = environment["LOYALTY_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        self.logger = logger
    }

    /// The server, started (and its template prepared) on first use.
    ///
    /// - Throws: why PostgreSQL could not be started or the template not migrated; every later call throws
    ///   the same error.
    public func server() async throws -> Server {
        if let setup { return try await setup.value }
        let task = Task { [environment, logger] in
            try await Self.makeServer(environment: environment, logger: logger)
        }
        setup = task
        return try await task.value
    }

    /// Creates a database `t_<random>` for one test and returns its URL.
    public func createDatabase(schema: TestDatabaseSchema = .migrated) async throws -> DatabaseURL {
        let server = try await server()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        switch schema {
        case .empty:
            try await Self.execute("create database \(Self.quoted(name)) template template0", on: server.url, logger: logger)
        case .migrated:
            // PostgreSQL refuses to copy a template while another session uses it, and copying is a session
            // on it: one copy at a time in this process, and retries against other processes.
            let sql = "create database \(Self.quoted(name)) template \(Self.quoted(server.templateName))"
            try await cloning.run { [logger] in
                try await Self.retryingWhileInUse {
                    try await Self.execute(sql, on: server.url, logger: logger)
                }
            }
        }
        return server.url.withDatabase(name)
    }

    /// Drops a test database, disconnecting anyone still connected.
    public func dropDatabase(named name: String) async throws {
        let server = try await server()
        try await Self.execute("drop database if exists \(Self.quoted(name)) with (force)", on: server.url, logger: logger)
    }
}

import Foundation
import Logging
import LoyaltyCore
import LoyaltyServer
import LoyaltyStore
import PostgresNIO

/// What a command needs at run time: settings, a logger, the acting administrator, the output, and
/// a way to reach the database (external, or the embedded cluster started on demand).
struct CommandRuntime: Sendable {
    let settings: Settings
    let logger: Logger
    let actor: String
    let output: Output

    static func make(
        _ options: GlobalOptions, defaultLogLevel: Logger.Level = .warning,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> CommandRuntime {
        let settings = try await Settings.load(options: options, environment: environment)
        // The provider adds the request's metadata (conn, seq, terminal, verb, req) to the store's lines too.
        var logger = Logger(label: "loyalty", metadataProvider: RequestLogContext.provider)
        logger.logLevel = defaultLogLevel
        if let name = settings.logLevel {
            guard let level = Logger.Level(rawValue: name) else {
                throw LoyaltyError(.configuration, "unknown log level \(name); use trace, debug, info, notice, warning or error")
            }
            logger.logLevel = level
        }
        let actor = options.actor ?? environment["LOYALTY_ACTOR"] ?? Self.osUser()
        return CommandRuntime(settings: settings, logger: logger, actor: actor, output: Output(format: options.format))
    }

    /// How a command treats a schema that is behind this binary's migrations.
    enum MigrationPolicy {
        /// Apply pending migrations (the embedded cluster always does: nobody else owns it).
        case apply
        /// Refuse to run on an external database whose schema is behind.
        case requireCurrent
        /// Leave the schema alone (`db status`, `db migrate`).
        case leave
    }

    /// Connects to the database, runs `body`, disconnects. With no database URL configured, starts the
    /// embedded cluster if it is not running, and stops it afterwards unless another process (a running
    /// `loyalty serve`, another command) is connected to it.
    ///
    /// With `installationKey`, the store gets the installation key (created on first use; see
    /// ``Settings/keyFile``), which voucher commands need; other commands leave the key file alone.
    func withStore<T: Sendable>(
        migrations policy: MigrationPolicy = .requireCurrent, installationKey: Bool = false,
        _ body: @Sendable (LoyaltyStore) async throws -> T
    ) async throws -> T {
        let key = installationKey ? try InstallationKey.loadOrCreate(at: settings.keyFile) : nil
        let database = try await DatabaseLocation.open(settings: settings, role: "cli", logger: logger)
        // At least two: a job holds its lock on one connection while it works on others.
        let configuration = database.url.clientConfiguration(poolSize: max(2, min(settings.poolSize, 4)))
        // The pool's own chatter (including its harmless warning when a command's first query races the
        // pool's start) is not the administrator's business unless they asked for debug output.
        var backgroundLogger = logger
        if backgroundLogger.logLevel > .debug { backgroundLogger.logLevel = .error }
        let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        let store = LoyaltyStore(
            client: client, logger: logger, rules: settings.rules, rewardRules: settings.rewardRules,
            giftCardRules: settings.giftCardRules, trackerRules: settings.trackerRules,
            installationKey: key)
        let logger = self.logger
        let outcome: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await Self.prepareSchema(client: client, policy: database.embedded != nil ? (policy == .leave ? .leave : .apply) : policy, logger: logger)
                if policy != .leave { try await store.verifyConfiguration() }
                return .success(try await body(store))
            } catch {
                return .failure(error)
            }
        }
        try await database.close(logger: logger)
        return try outcome.get()
    }

    /// Applies pending migrations through the migration URL (`database.migration-url`, else the database
    /// URL) with a client of its own, for `db migrate`.
    func migrateSchema(reapplyingPrivileges: Bool) async throws -> [Migration] {
        let database = try await DatabaseLocation.open(settings: settings, role: "cli", logger: logger)
        let outcome: Result<[Migration], any Error>
        do {
            outcome = .success(
                try await Self.migrate(url: database.migrationURL, reapplyingPrivileges: reapplyingPrivileges, logger: logger))
        } catch {
            outcome = .failure(error)
        }
        try await database.close(logger: logger)
        return try outcome.get()
    }

    /// Runs the migrator on a one-connection client of `url`, which it starts and stops.
    @discardableResult
    static func migrate(url: DatabaseURL, reapplyingPrivileges: Bool = false, logger: Logger) async throws -> [Migration] {
        var backgroundLogger = logger
        if backgroundLogger.logLevel > .debug { backgroundLogger.logLevel = .error }
        let client = PostgresClient(configuration: url.clientConfiguration(poolSize: 1), backgroundLogger: backgroundLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await Migrator(client: client, logger: logger).migrate(reapplyingPrivileges: reapplyingPrivileges)
        }
    }

    static func prepareSchema(client: PostgresClient, policy: MigrationPolicy, logger: Logger) async throws {
        let migrator = Migrator(client: client, logger: logger)
        switch policy {
        case .leave:
            return
        case .apply:
            let applied = try await migrator.migrate()
            for migration in applied {
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            }
        case .requireCurrent:
            try await migrator.verifyCurrent()
        }
    }

    static func osUser() -> String {
        let name = NSUserName()
        return name.isEmpty ? "unknown" : name
    }
}

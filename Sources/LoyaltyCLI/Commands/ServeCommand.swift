import ArgumentParser
import Logging
import LoyaltyCore
import LoyaltyServer
import LoyaltyStore
import PostgresNIO
import ServiceLifecycle

/// `loyalty serve`: runs the terminal server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the terminal server (TCP, default 127.0.0.1:7470).")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Address to listen on, host:port (also LOYALTY_LISTEN).")
    var listen: String?

    @Flag(help: "Apply pending migrations to an external database before serving (through database.migration-url when set).")
    var migrate = false

    func run() async throws {
        var runtime = try await CommandRuntime.make(options, defaultLogLevel: .info)
        if let listen {
            let (host, port) = try Settings.hostAndPort(listen)
            runtime = runtime.with(listen: host, port: port)
        }
        let settings = runtime.settings
        let logger = runtime.logger
        let key = try InstallationKey.loadOrCreate(at: settings.keyFile)
        let database = try await DatabaseLocation.open(settings: settings, role: "serve", logger: logger)
        do {
            var configuration = database.url.clientConfiguration(poolSize: settings.poolSize)
            configuration.limitStatements(to: settings.server.requestTimeout)
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let store = LoyaltyStore(
                client: client, logger: logger, rules: settings.rules, rewardRules: settings.rewardRules,
                giftCardRules: settings.giftCardRules, trackerRules: settings.trackerRules,
                installationKey: key)
            let metricsEndpoint = settings.metrics.map { PrometheusBootstrap.endpoint($0, poolSize: settings.poolSize, logger: logger) }
            let server = LoyaltyServer(configuration: settings.server, store: store, logger: logger)
            var policy: CommandRuntime.MigrationPolicy = database.embedded != nil || migrate ? .apply : .requireCurrent
            if migrate, database.embedded == nil, settings.databaseMigrationURL != nil {
                // The owner migrates on a connection of its own; the app role's pool only checks.
                try await CommandRuntime.migrate(url: database.migrationURL, logger: logger)
                policy = .requireCurrent
            }
            let migrations = MigrationService(client: client, policy: policy, logger: logger)
            // Stopped in reverse order: the server drains first, while the database client is still up.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: client),
                .init(service: migrations, successTerminationBehavior: .ignore),
            ]
            if let metricsEndpoint { services.append(.init(service: metricsEndpoint)) }
            services.append(.init(service: ServerAfterMigrations(server: server, migrations: migrations, store: store)))
            let group = ServiceGroup(
                configuration: .init(
                    services: services,
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        } catch {
            try? await database.close(logger: logger)
            throw error
        }
        try await database.close(logger: logger)
    }
}

extension CommandRuntime {
    func with(listen host: String, port: Int) -> CommandRuntime {
        var settings = self.settings
        settings.server.host = host
        settings.server.port = port
        return CommandRuntime(settings: settings, logger: logger, actor: actor, output: output)
    }
}

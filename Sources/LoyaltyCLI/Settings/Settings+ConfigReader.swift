import Configuration
import Foundation
import LoyaltyCore
import LoyaltyServer
import LoyaltyStore
import SystemPackage

extension Settings {
    /// Reads the settings. Precedence: command-line flags, then environment variables (`LOYALTY_` and the
    /// key in upper case with `_` for `.` and `-`: `database.url` → `LOYALTY_DATABASE_URL`), then the JSON
    /// file named by `--config` or `LOYALTY_CONFIG`, then the defaults.
    static func load(
        options: GlobalOptions, flags: [AbsoluteConfigKey: ConfigValue] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Settings {
        var providers: [any ConfigProvider] = []
        var flagValues = flags
        if let url = options.databaseURL { flagValues["database.url"] = ConfigValue(.string(url), isSecret: true) }
        if let home = options.home { flagValues["home"] = ConfigValue(.string(home), isSecret: false) }
        if let level = options.logLevel { flagValues["log.level"] = ConfigValue(.string(level), isSecret: false) }
        providers.append(InMemoryProvider(name: "flags", values: flagValues))
        providers.append(
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(["LOYALTY_DATABASE_URL", "LOYALTY_DATABASE_MIGRATION_URL"]))
                .prefixKeys(with: "loyalty"))
        if let file = options.config ?? environment["LOYALTY_CONFIG"] {
            guard FileManager.default.fileExists(atPath: file) else {
                throw LoyaltyError(.configuration, "configuration file \(file) does not exist")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
            } catch {
                throw LoyaltyError(.configuration, "cannot read configuration file \(file): \(error)")
            }
        }
        return try Settings(reader: ConfigReader(providers: providers))
    }

    init(reader config: ConfigReader) throws {
        databaseURL = try config.string(forKey: "database.url", isSecret: true).map { try DatabaseURL(parsing: $0) }
        databaseMigrationURL = try config.string(forKey: "database.migration-url", isSecret: true)
            .map { try DatabaseURL(parsing: $0) }
        if databaseMigrationURL != nil && databaseURL == nil {
            throw LoyaltyError(.configuration, "database.migration-url is set but database.url is not: set both, or neither for the embedded cluster")
        }
        poolSize = try Self.integer(config, "database.pool-size", default: 8, in: 1...200)
        home = config.string(forKey: "home", default: ".loyalty")
        postgresBinDirectory = config.string(forKey: "pg.bin")
        postgresUser = config.string(forKey: "pg.user")
        logLevel = config.string(forKey: "log.level")

        defaultRegion = try PhoneNumber.Region(code: config.string(forKey: "phone.default-region", default: "US"))
        if let texts = config.stringArray(forKey: "earn.rates") {
            guard !texts.isEmpty else { throw LoyaltyError(.configuration, "earn.rates must name at least one currency") }
            earnRates = EarnRates(try texts.map { text throws(LoyaltyError) in try EarnRate(parsing: text) })
        } else {
            earnRates = .standard
        }

        rules = try Self.programmeRules(config)

        do {
            rewardRules = try RewardRules(voucherDays: Self.integer(config, "rewards.voucher-days", default: 90))
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
        giftCardRules = try Self.giftCardRules(config)
        trackerRules = try Self.trackerRules(config)
        birthdayBonus = try Self.birthdayBonus(config)
        retention = try Self.retentionPeriod(config)
        expiryNoticeDays = try Self.integer(config, "events.expiry-notice-days", default: 30, in: 1...366)
        eventRetentionDays = try Self.integer(config, "events.retention-days", default: 90, in: 1...3650)
        webhooks = WebhookSettings(
            policy: WebhookRetryPolicy(
                maximumAttempts: try Self.integer(config, "webhooks.max-attempts", default: 8, in: 1...100),
                backoffSeconds: try Self.integer(config, "webhooks.backoff-seconds", default: 10, in: 0...86_400),
                maximumBackoffSeconds: try Self.integer(config, "webhooks.backoff-max-seconds", default: 3600, in: 0...604_800)),
            timeout: .seconds(try Self.integer(config, "webhooks.timeout-seconds", default: 10, in: 1...300)),
            concurrency: try Self.integer(config, "webhooks.concurrency", default: 8, in: 1...256))
        metrics = try Self.metricsSettings(config)
        keyFile = config.string(forKey: "security.key-file") ?? (home as NSString).appendingPathComponent("secret.key")

        let (host, port) = try Self.hostAndPort(config.string(forKey: "listen", default: "127.0.0.1:7470"))
        server = ServerConfiguration(
            host: host, port: port,
            maximumLineLength: try Self.integer(config, "server.max-line-length", default: 8192, in: 64...1_048_576),
            idleTimeout: .seconds(try Self.integer(config, "server.idle-timeout-seconds", default: 300, in: 1...86_400)),
            requestTimeout: .seconds(try Self.integer(config, "server.request-timeout-seconds", default: 10, in: 1...3600)),
            shutdownGracePeriod: .seconds(
                try Self.integer(config, "server.shutdown-grace-seconds", default: 10, in: 0...3600)),
            earnRates: earnRates, defaultRegion: defaultRegion,
            tls: try Self.terminalTLS(config), plaintext: try Self.plaintextListener(config),
            credentialCheckInterval: .seconds(
                try Self.integer(config, "server.credential-check-seconds", default: 1, in: 0...3600)))
        server.limits = try Self.connectionLimits(config)
    }

    /// An integer setting within `range`.
    static func integer(_ config: ConfigReader, _ key: ConfigKey, default value: Int, in range: ClosedRange<Int>)
        throws(LoyaltyError) -> Int
    {
        let number = try integer(config, key, default: value)
        guard range.contains(number) else {
            throw LoyaltyError(.configuration, "\(key) must be \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    /// An integer setting: the default when it is not set, an error when it is set to something else.
    static func integer(_ config: ConfigReader, _ key: ConfigKey, default value: Int) throws(LoyaltyError) -> Int {
        if let number = config.int(forKey: key) { return number }
        // Environment variables are text: one that is set but not a number must not silently fall back.
        if let text = config.string(forKey: key) {
            throw LoyaltyError(.configuration, "\(key) must be a whole number, got '\(text)'")
        }
        return value
    }

    /// Parses `host:port`, `[v6]:port` or `:port`.
    static func hostAndPort(_ text: String) throws(LoyaltyError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw LoyaltyError(.configuration, "listen address must be host:port, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

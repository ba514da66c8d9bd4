import ArgumentParser
import LoyaltyStore

/// `loyalty db migrate|status|check`.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database schema: apply and list migrations; check the stores' invariants.",
        subcommands: [Migrate.self, Status.self, Check.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations (through database.migration-url when set).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            // An explicit run also re-grants (roles a DBA created since the last migration).
            let applied = try await runtime.migrateSchema(reapplyingPrivileges: true).map(\.name)
            try runtime.output.list(columns: ["applied"], rows: applied.map { [$0] }, json: ["applied": applied])
            if applied.isEmpty { runtime.output.message("schema is up to date") }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List migrations and whether each is applied.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let statuses = try await runtime.withStore(migrations: .leave) { store in
                try await Migrator(client: store.client, logger: runtime.logger).status()
            }
            let rows = statuses.map { [String($0.version), $0.name, $0.state.label, $0.state.appliedAtText] }
            let json = statuses.map { ["version": String($0.version), "name": $0.name, "state": $0.state.label, "applied_at": $0.state.appliedAtText] }
            try runtime.output.list(columns: ["version", "name", "state", "applied at"], rows: rows, json: json)
        }
    }
}

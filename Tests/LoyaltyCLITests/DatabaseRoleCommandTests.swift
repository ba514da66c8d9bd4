import Foundation
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

/// `database.migration-url` end to end: the real binary migrates as the owner and serves as the app role.
@Suite("Database roles: migrate as the owner, serve as the app (PostgreSQL, subprocess)", .timeLimit(.minutes(5)))
struct DatabaseRoleCommandTests {
    @Test("the app role's URL cannot migrate; serve --migrate with the migration URL migrates, then tills EARN as the app")
    func migrateAsOwnerServeAsApp() async throws {
        var roles: [String] = []
        var admin: TestDatabase?
        try await withTestDatabase(schema: .empty) { db in
            admin = db
            let owner = "mig_" + db.name
            let app = "app_" + db.name
            roles = [owner, app]
            // The template's migration has created the group roles (roles are per cluster).
            for statement in [
                "create role \"\(owner)\" login in role loyalty_owner",
                "create role \"\(app)\" login in role loyalty_app",
                "alter database \"\(db.name)\" owner to \"\(owner)\"",
            ] {
                try await db.client.query(PostgresQuery(unsafeSQL: statement), logger: db.logger)
            }
            var ownerURL = db.url
            ownerURL.username = owner
            var appURL = db.url
            appURL.username = app

            try await withTemporaryDirectory { home in
                let appOnly = ["LOYALTY_DATABASE_URL": appURL.redacted, "LOYALTY_HOME": home, "LOYALTY_ACTOR": "alice"]
                var both = appOnly
                both["LOYALTY_DATABASE_MIGRATION_URL"] = ownerURL.redacted

                let refused = try await LoyaltyProcess.run(["db", "migrate"], environment: appOnly)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("Error: CONFIGURATION: role \(app) may not change the schema"), "\(refused.stderr)")
                #expect(refused.stderr.contains("LOYALTY_DATABASE_MIGRATION_URL"), "\(refused.stderr)")
                #expect(try await db.scalar("select count(*)::int8 from pg_class where relname = 'schema_migrations'") == 0)

                var serveEnvironment = both
                serveEnvironment["LOYALTY_LISTEN"] = "127.0.0.1:0"
                let log = URL(fileURLWithPath: home + "/serve.log")
                let serve = try LoyaltyProcess.start(["serve", "--migrate"], environment: serveEnvironment, log: log)
                defer { LoyaltyProcess.killIfRunning(serve) }
                let line = try await LoyaltyProcess.waitForLine(containing: "listening for terminals", in: log, of: serve)
                let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
                #expect(try await db.texts("select relowner::regrole::text from pg_class where relname = 'point_entries'") == ["loyalty_owner"])

                let terminal = try await LoyaltyProcess.run(["terminal", "add", "till-1", "--format", "json"], environment: appOnly)
                #expect(terminal.status == 0, "\(terminal.stderr)")
                let secret = try #require(try terminal.jsonObject()["secret"] as? String)
                let member = try await LoyaltyProcess.run(
                    ["member", "add", "--first-name", "Ada", "--last-name", "App", "--format", "json"], environment: appOnly)
                #expect(member.status == 0, "\(member.stderr)")
                let number = try #require(try member.jsonObject()["number"] as? String)

                let till = try await LineClient.connect(port: port)
                #expect(try await till.request("PING").hasPrefix("OK time="))
                #expect(try await till.request("AUTH terminal=till-1 secret=\(secret)").hasPrefix("OK terminal=till-1"))
                let earned = try await till.request("EARN req=r1 member=\(number) amount=25.99 currency=EUR")
                #expect(earned.hasPrefix("OK ") && earned.contains("earned=25"), "\(earned)")
                await till.close()

                let report = try await LoyaltyProcess.run(["report", "gift-liability"], environment: appOnly)
                #expect(report.status == 0, "\(report.stderr)")
                // Up to date: nothing applied, and the grants are re-applied by the owner.
                let again = try await LoyaltyProcess.run(["db", "migrate"], environment: both)
                #expect(again.status == 0 && again.stdout.contains("schema is up to date"), "\(again.stderr)")
                let stopped = try await LoyaltyProcess.terminate(serve)
                #expect(stopped.status == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                #expect(try await db.texts("select db_user from audit_log where action = 'terminal.add'") == [app])
                #expect(try await db.scalar("select count(*)::int8 from point_entries") == 1)
            }
        }
        // The roles go once the database (which one of them owned) is dropped.
        if let admin {
            try await withPostgresClient(admin.url.withDatabase("postgres"), logger: admin.logger) { client in
                for role in roles {
                    try await client.query(PostgresQuery(unsafeSQL: "drop role if exists \"\(role)\""), logger: admin.logger)
                }
            }
        }
    }
}

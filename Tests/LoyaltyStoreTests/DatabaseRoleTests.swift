import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// The database roles of `0023_database_roles.sql`: a login role that is a member of `loyalty_app` only
/// does the application's work and nothing else.
@Suite("Database roles (PostgreSQL)", .timeLimit(.minutes(4)))
struct DatabaseRoleTests {
    @Test("the app role earns, enrols, imports and reports through the store")
    func appRoleWorks() async throws {
        try await withTestDatabase { db in
            try await withAppRole(db) { app in
                let store = LoyaltyStore(client: app, logger: db.logger, installationKey: testInstallationKey)
                try await store.verifyConfiguration()
                let enrolled = try await store.enroll(NewMember(firstName: "Ada", lastName: "App"), origin: admin)
                let ada = MemberReference.number(try MemberNumber(parsing: enrolled.member))
                let earned = try await store.earn(ada, points: 25, purchase: try eur("25.99"), receipt: "R-1", origin: admin)
                #expect(earned.points == 25)
                _ = try await store.adjust(ada, points: -5, reason: "goodwill", actor: "test")
                let (terminal, _) = try await store.addTerminal(name: "till-app", storeCode: nil, actor: "test")
                #expect(terminal.name == "till-app")
                // COPY into a temporary table, then the invoker import function.
                let imported = try await store.importLines([try importLine(2, "H-1", "C-9", "2024-03-01 10:00", "12.00")])
                #expect(imported.receipts == 1 && imported.membersCreated == 1)
                _ = try await store.lapseReport(asOf: nil, months: 1)
                _ = try await store.giftCardLiability()
                #expect(try await db.scalar("select balance::int8 from point_accounts a join members m on m.id = a.member_id where m.number = \(enrolled.member)") == 20)
                // The audit log names the login role that did it.
                let roles = try await db.texts("select distinct db_user from audit_log where action = 'terminal.add'")
                #expect(roles == [try appRoleName(db)])
            }
        }
    }

    @Test("the app role may not change the ledgers, the audit log or the schema", arguments: [
        "update point_entries set points = points + 1",
        "delete from point_entries",
        "insert into point_entries (member_id, kind, points, admin_actor, reason) select member_id, 'adjust', 1000, 'x', 'y' from point_accounts",
        "update gift_card_activities set amount = 0",
        "truncate gift_card_activities",
        "update audit_log set actor = 'someone else'",
        "delete from audit_log",
        "truncate audit_log",
        "delete from terminal_requests",
        "update point_accounts set balance = 1000000",
        "insert into schema_migrations (version, name, checksum) values (9999, '9999_x.sql', 'x')",
        "create table loyalty_smuggled (a int)",
        "drop function loyalty_earn",
        "alter table members add column smuggled text",
        "create index on point_entries (points)",
        "select loyalty_grant_privileges()",
    ])
    func appRoleRefused(statement: String) async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            let before = try await fingerprint(db)
            try await withAppRole(db) { app in
                do {
                    try await app.query(PostgresQuery(unsafeSQL: statement), logger: db.logger)
                    Issue.record("the app role was allowed: \(statement)")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "42501", "\(statement): \(String(reflecting: error))")
                }
            }
            #expect(try await fingerprint(db) == before)
        }
    }

    @Test("migrating as the app role is refused, saying to use the migration URL")
    func appRoleCannotMigrate() async throws {
        try await withTestDatabase { db in
            try await withAppRole(db) { app in
                let extra = try Migration(name: "0999_extra.sql", sql: "create table loyalty_extra (a int);")
                let error = await expectStoreError(.configuration) {
                    try await Migrator(client: app, migrations: .all + [extra], logger: db.logger).migrate()
                }
                #expect(error?.message.contains("may not change the schema") == true, "\(String(describing: error))")
                #expect(error?.message.contains("database.migration-url") == true)
            }
            #expect(try await db.scalar("select count(*)::int8 from schema_migrations where version = 999") == 0)
        }
    }

    @Test("a later migration's objects are handed to the owner and granted to the app role")
    func laterMigrationsCovered() async throws {
        try await withTestDatabase { db in
            let extra = try Migration(
                name: "0999_extra.sql",
                sql: """
                    create table loyalty_extra (a int);
                    create function loyalty_extra_write() returns void language plpgsql as $$
                    begin insert into loyalty_extra values (1); end $$;
                    """)
            try await Migrator(client: db.client, migrations: .all + [extra], logger: db.logger).migrate()
            #expect(try await db.texts("select relowner::regrole::text from pg_class where relname = 'loyalty_extra'") == ["loyalty_owner"])
            #expect(try await db.texts("select prosecdef::text from pg_proc where proname = 'loyalty_extra_write'") == ["true"])
            try await withAppRole(db) { app in
                try await app.query("select loyalty_extra_write()", logger: db.logger)
                try await app.query("select count(*) from loyalty_extra", logger: db.logger)
                await #expect(throws: PSQLError.self) {
                    try await app.query("insert into loyalty_extra values (2)", logger: db.logger)
                }
            }
            #expect(try await db.scalar("select count(*)::int8 from loyalty_extra") == 1)
        }
    }

    /// The login role for `db`'s tests (roles are per cluster, databases per test).
    func appRoleName(_ db: TestDatabase) throws -> String { "app_" + db.name }

    /// Runs `body` with a client logged in as a new role that is a member of `loyalty_app` only.
    func withAppRole(_ db: TestDatabase, _ body: (PostgresClient) async throws -> Void) async throws {
        let role = try appRoleName(db)
        try await db.client.query(
            PostgresQuery(unsafeSQL: "create role \"\(role)\" login password 'app-secret' in role loyalty_app"), logger: db.logger)
        var url = db.url
        url.username = role
        url.password = "app-secret"
        let outcome: Result<Void, any Error>
        do {
            try await withPostgresClient(url, poolSize: 2, logger: db.logger) { client in try await body(client) }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await db.client.query(PostgresQuery(unsafeSQL: "drop role \"\(role)\""), logger: db.logger)
        try outcome.get()
    }

    /// Counts and sums that any of the refused statements would change.
    func fingerprint(_ db: TestDatabase) async throws -> [String] {
        try await db.texts(
            """
            select concat_ws(' ', (select count(*) from point_entries), (select sum(points) from point_entries),
                   (select count(*) from audit_log), (select string_agg(actor, ',' order by id) from audit_log),
                   (select count(*) from terminal_requests), (select sum(balance) from point_accounts),
                   (select count(*) from schema_migrations), (select count(*) from pg_class where relname = 'loyalty_smuggled'),
                   (select count(*) from pg_attribute where attname = 'smuggled'), (select count(*) from pg_indexes where tablename = 'point_entries'))
            """)
    }
}

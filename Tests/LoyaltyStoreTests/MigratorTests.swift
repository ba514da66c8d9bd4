import Foundation
import LoyaltyCore
import LoyaltyTesting
import PostgresNIO
import Testing

@testable import LoyaltyStore

@Suite("Migrator (PostgreSQL)")
struct MigratorTests {
    static let first = try! Migration(
        name: "0001_first.sql",
        sql: """
            -- A table; a function whose body holds semicolons.
            create table widgets (id int primary key, label text not null);
            create function widget_label(i int) returns text language plpgsql as $$
            declare
                found text;
            begin
                select label into found from widgets where id = i;
                return coalesce(found, 'none; really');
            end;
            $$;
            insert into widgets values (1, 'one; with a semicolon');
            """
    )
    static let second = try! Migration(
        name: "0002_second.sql",
        sql: """
            alter table widgets add column size int;
            do $body$ begin update widgets set size = 10; end $body$;
            """
    )
    static let synthetic = [first, second]

    @Test func migratesAnEmptyDatabase() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let migrator = Migrator(client: database.client, migrations: Self.synthetic, logger: database.logger)
            #expect(try await migrator.pendingCount() == 2)

            let applied = try await migrator.migrate()
            #expect(applied.map(\.name) == ["0001_first.sql", "0002_second.sql"])
            #expect(try await migrator.pendingCount() == 0)

            let rows = try await database.client.query("select widget_label(1), widget_label(2), size from widgets")
            for try await (label, missing, size) in rows.decode((String, String, Int).self) {
                #expect(label == "one; with a semicolon")
                #expect(missing == "none; really")
                #expect(size == 10)
            }
        }
    }

    @Test func aSecondMigrateAppliesNothing() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let migrator = Migrator(client: database.client, migrations: Self.synthetic, logger: database.logger)
            let first = try await migrator.migrate()
            let second = try await migrator.migrate()
            #expect(first.count == 2)
            #expect(second.isEmpty)
            #expect(try await Self.recordedVersions(database) == [1, 2])
        }
    }

    @Test func theRealSchemaAppliesToAnEmptyDatabase() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let migrator = Migrator(client: database.client, logger: database.logger)
            let applied = try await migrator.migrate()
            #expect(applied == Migration.all)
            let statuses = try await migrator.status()
            #expect(statuses.count == Migration.all.count)
            #expect(statuses.allSatisfy { if case .applied = $0.state { true } else { false } })
        }
    }

    @Test func theTemplateDatabaseIsFullyMigrated() async throws {
        try await withTestDatabase { database in
            let migrator = Migrator(client: database.client, logger: database.logger)
            let pending = try await migrator.pendingCount()
            #expect(pending == 0)
            #expect(try await migrator.migrate().isEmpty)
        }
    }

    @Test func statusListsAppliedAndPendingMigrations() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let before = try await Migrator(client: database.client, migrations: Self.synthetic, logger: database.logger)
                .status()
            #expect(before.map(\.state) == [.pending, .pending])
            #expect(before.map(\.name) == ["0001_first.sql", "0002_second.sql"])
            // status() changes nothing.
            #expect(try await Self.tableExists(database, "schema_migrations") == false)

            try await Migrator(client: database.client, migrations: [Self.first], logger: database.logger).migrate()
            let after = try await Migrator(client: database.client, migrations: Self.synthetic, logger: database.logger)
                .status()
            #expect(after.map(\.version) == [1, 2])
            guard case .applied(let at) = after[0].state else {
                Issue.record("expected 0001 to be applied, got \(after[0].state)")
                return
            }
            #expect(abs(at.timeIntervalSinceNow) < 300)
            #expect(after[1].state == .pending)
        }
    }

    @Test func refusesAnAppliedFileThatWasEditedAndAppliesNothing() async throws {
        try await withTestDatabase(schema: .empty) { database in
            try await Migrator(client: database.client, migrations: [Self.first], logger: database.logger).migrate()

            let edited = try Migration(name: Self.first.name, sql: Self.first.sql + "\n-- an innocent comment\n")
            let migrator = Migrator(client: database.client, migrations: [edited, Self.second], logger: database.logger)
            let error = await #expect(throws: LoyaltyError.self) { try await migrator.migrate() }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("migration 0001_first.sql was edited after it was applied") == true)
            #expect(error?.message.contains("add a new migration instead") == true)
            #expect(error?.message.contains(Self.first.checksum.prefix(12)) == true)
            #expect(try await Self.recordedVersions(database) == [1], "0002 must not be applied")

            let statuses = try await migrator.status()
            #expect(statuses[0].state == .changed(recordedChecksum: Self.first.checksum, checksum: edited.checksum))

            // Commands that only check the schema refuse it too, not just `db migrate`.
            let check = await #expect(throws: LoyaltyError.self) {
                try await Migrator(client: database.client, migrations: [edited], logger: database.logger).verifyCurrent()
            }
            #expect(check?.message.contains("was edited after it was applied") == true)
        }
    }

    @Test func verifyCurrentRefusesASchemaThatIsBehindAndAcceptsACurrentOne() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let migrator = Migrator(client: database.client, migrations: Self.synthetic, logger: database.logger)
            let behind = await #expect(throws: LoyaltyError.self) { try await migrator.verifyCurrent() }
            #expect(behind?.message.contains("2 migration(s) behind") == true)
            try await migrator.migrate()
            try await migrator.verifyCurrent()
        }
    }

    @Test func reportsMigrationsThisBinaryDoesNotKnow() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let migrator = Migrator(client: database.client, migrations: [Self.first], logger: database.logger)
            try await migrator.migrate()
            try await database.client.query(
                "insert into schema_migrations (version, name, checksum) values (9000, '9000_future.sql', 'abc')"
            )
            let statuses = try await migrator.status()
            #expect(statuses.map(\.version) == [1, 9000])
            #expect(statuses[1].name == "9000_future.sql")
            guard case .unknown = statuses[1].state else {
                Issue.record("expected 9000 to be unknown, got \(statuses[1].state)")
                return
            }
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await migrator.pendingCount() == 0)
        }
    }

    @Test func refusesAPendingMigrationOlderThanAnAppliedOne() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let later = try Migration(name: "0005_later.sql", sql: "create table later (x int);")
            try await Migrator(client: database.client, migrations: [later], logger: database.logger).migrate()
            let forgotten = try Migration(name: "0004_forgotten.sql", sql: "create table forgotten (x int);")
            let migrator = Migrator(client: database.client, migrations: [forgotten, later], logger: database.logger)
            let error = await #expect(throws: LoyaltyError.self) { try await migrator.migrate() }
            #expect(error?.message.contains("0004_forgotten.sql is not applied, but the later 0005_later.sql is") == true)
            #expect(try await Self.tableExists(database, "forgotten") == false)
        }
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let slow = try Migration(
                name: "0003_slow.sql", sql: "select pg_sleep(0.2);\ninsert into widgets values (2, 'two');"
            )
            let migrations = Self.synthetic + [slow]
            let client = database.client
            let logger = database.logger
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await Migrator(client: client, migrations: migrations, logger: logger).migrate().count
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts.sorted() == [0, 0, 0, 3])
            #expect(try await Self.recordedVersions(database) == [1, 2, 3])
            let rows = try await database.client.query("select count(*) from widgets")
            for try await (count) in rows.decode(Int.self) { #expect(count == 2) }
        }
    }

    @Test func aFailingFileIsRolledBackAndNamesItsLine() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let broken = try Migration(
                name: "0002_broken.sql",
                sql: """
                    create table half_done (x int);

                    -- the next statement fails
                    insert into
                        no_such_table values (1);
                    """
            )
            let migrator = Migrator(client: database.client, migrations: [Self.first, broken], logger: database.logger)
            let error = await #expect(throws: LoyaltyError.self) { try await migrator.migrate() }
            #expect(error?.message.contains("migration 0002_broken.sql failed at line 5") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("no_such_table") == true)
            #expect(error?.message.contains("42P01") == true)
            #expect(try await Self.recordedVersions(database) == [1])
            #expect(try await Self.tableExists(database, "half_done") == false)
        }
    }

    @Test("a select whose function fails while producing its row fails the file at that line")
    func aFailingSelectIsReportedAtItsLine() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let broken = try Migration(
                name: "0002_select.sql",
                sql: """
                    create table half_done (x int);
                    create function fails() returns int language plpgsql as $$
                    begin
                        raise exception 'grant step failed';
                    end
                    $$;
                    select fails();
                    create table after_it (x int);
                    """
            )
            let migrator = Migrator(client: database.client, migrations: [Self.first, broken], logger: database.logger)
            let error = await #expect(throws: LoyaltyError.self) { try await migrator.migrate() }
            #expect(error?.message.contains("migration 0002_select.sql failed at line 7") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("grant step failed") == true)
            #expect(try await Self.recordedVersions(database) == [1])
            #expect(try await Self.tableExists(database, "half_done") == false)
        }
    }

    @Test func refusesTransactionControlInAFile() async throws {
        try await withTestDatabase(schema: .empty) { database in
            let sneaky = try Migration(name: "0001_sneaky.sql", sql: "create table a (x int);\ncommit;\n")
            let error = await #expect(throws: LoyaltyError.self) {
                try await Migrator(client: database.client, migrations: [sneaky], logger: database.logger).migrate()
            }
            #expect(error?.message.contains("line 2: COMMIT is not allowed") == true)
            #expect(try await Self.tableExists(database, "a") == false)
        }
    }

    /// Why the migrator splits files: PostgresNIO uses the extended protocol, which runs one statement per query.
    @Test func postgresNIORunsOneStatementPerQuery() async throws {
        try await withTestDatabase(schema: .empty) { database in
            await #expect(throws: PSQLError.self) {
                try await database.client.query("select 1; select 2")
            }
        }
    }

    // MARK: - Helpers

    static func recordedVersions(_ database: TestDatabase) async throws -> [Int] {
        let rows = try await database.client.query("select version from schema_migrations order by version")
        var versions: [Int] = []
        for try await (version) in rows.decode(Int.self) { versions.append(version) }
        return versions
    }

    static func tableExists(_ database: TestDatabase, _ name: String) async throws -> Bool {
        let rows = try await database.client.query("select to_regclass(\(name)) is not null")
        for try await (exists) in rows.decode(Bool.self) { return exists }
        return false
    }
}

@Suite("SQL script splitting")
struct SQLScriptTests {
    func split(_ sql: String) throws -> [String] {
        try SQLScript(sql, name: "test.sql").statements.map(\.text)
    }

    @Test func splitsOnSemicolonsAndDropsCommentsAndBlankStatements() throws {
        #expect(try split("select 1; select 2;\n\n;  -- trailing comment\n") == ["select 1", "select 2"])
        #expect(try split("-- only a comment\n/* and another */") == [])
        #expect(try split("select 1") == ["select 1"])
    }

    @Test func semicolonsInsideQuotesDoNotSplit() throws {
        #expect(try split("select 'a;b', 'it''s;'; select 2") == ["select 'a;b', 'it''s;'", "select 2"])
        #expect(try split(#"select "odd;name" from t; select 2"#) == [#"select "odd;name" from t"#, "select 2"])
        #expect(try split(#"select E'a\';b'; select 2"#) == [#"select E'a\';b'"#, "select 2"])
        #expect(try split("select -- x;\n1; select /* a; /* nested; */ b; */ 2") == ["select -- x;\n1", "select /* a; /* nested; */ b; */ 2"])
    }

    @Test func dollarQuotedBodiesStayWhole() throws {
        let function = """
            create function f() returns int language plpgsql as $$
            begin
                perform 1; return 2;
            end;
            $$
            """
        let tagged = "do $body$ begin raise notice '$$;'; end $body$"
        #expect(try split(function + ";\n" + tagged + ";\nselect $1") == [function, tagged, "select $1"])
        #expect(try split("select a$b; select 2") == ["select a$b", "select 2"])
    }

    @Test func beginAtomicBodiesStayWhole() throws {
        let function = """
            create or replace function g(x int) returns int language sql
            begin atomic
                select case when x > 0 then 1 else 0 end;
                select 2;
            end
            """
        #expect(try split(function + "; select 3;") == [function, "select 3"])
    }

    @Test func reportsStartLinesAndFirstWords() throws {
        let script = try SQLScript("-- header\n\ncreate table a (x int);\n\n  INSERT into a\n values (1);", name: "t.sql")
        #expect(script.statements.map(\.line) == [3, 5])
        #expect(script.statements.map(\.firstWord) == ["create", "insert"])
    }

    @Test func unterminatedQuotesAreErrors() throws {
        for sql in ["select 'abc", "select $$abc", "select $x$ abc $$", "/* open", #"select "abc"#] {
            let error = #expect(throws: LoyaltyError.self) { try SQLScript(sql, name: "bad.sql") }
            #expect(error?.message.contains("bad.sql: unterminated") == true)
        }
    }
}

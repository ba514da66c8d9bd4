import Foundation
import Logging
import LoyaltyCore
import PostgresNIO

/// Applies the schema migrations to a database and reports where it stands.
///
/// Applied files are recorded in `schema_migrations(version, name, checksum, applied_at)`, created on
/// demand. Each file runs in its own transaction together with its record, so a failing file leaves no trace
/// and the ones before it stay applied. A file edited after it was applied is refused (its checksum no longer
/// matches the record): schema changes go into a new migration. Concurrent migrators (two `loyalty`
/// processes starting at once) are serialised by a PostgreSQL advisory lock held on the migrating connection,
/// so each file is applied once.
///
/// Files are cut into statements by ``SQLScript`` and run one by one, because PostgresNIO's extended query
/// protocol runs a single statement per query.
public struct Migrator: Sendable {
    /// The client the migrator borrows connections from; it must be running.
    public let client: PostgresClient
    /// The migrations this binary knows, in order.
    public let migrations: [Migration]
    let logger: Logger

    /// The advisory lock key that serialises migrators ("LOYALTY" in ASCII). Advisory locks are per database.
    static let lockKey: Int64 = 0x004C_4F59_414C_5459

    /// - Parameters:
    ///   - client: A running client for the database to migrate.
    ///   - migrations: The migrations to apply, in order; the ones compiled into the binary by default.
    ///   - logger: Where applied migrations and waits for the lock are logged.
    public init(client: PostgresClient, migrations: [Migration] = .all, logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Every known and every recorded migration, by version: applied, pending, changed since applied, or
    /// unknown to this binary. Changes nothing (not even `schema_migrations` is created).
    public func status() async throws -> [MigrationStatus] {
        let records = try await withMappedErrors {
            try await client.withConnection { connection in
                try await readRecords(on: connection) ?? []
            }
        }
        return Self.statuses(of: migrations, records: records)
    }

    /// How many known migrations are not applied yet. Changes nothing; ``verifyCurrent()`` is the check
    /// commands run before using a database.
    public func pendingCount() async throws -> Int {
        try await status().filter { $0.state == .pending }.count
    }

    /// Checks that the database is exactly at this binary's schema: no migration pending and no applied
    /// file edited since. Changes nothing.
    ///
    /// - Throws: ``LoyaltyError`` `.configuration` saying what is wrong and what to do.
    public func verifyCurrent() async throws {
        let records = try await withMappedErrors {
            try await client.withConnection { connection in
                try await readRecords(on: connection) ?? []
            }
        }
        let pending = try Self.plan(migrations, records: records).count
        if pending > 0 {
            throw LoyaltyError(
                .configuration, "the database schema is \(pending) migration(s) behind this binary: run `loyalty db migrate`")
        }
    }

    /// Applies every pending migration, in order, and returns the ones it applied (none if the database is
    /// up to date).
    ///
    /// - Throws: ``LoyaltyError`` `.configuration` without applying anything when an applied file was edited,
    ///   or a pending file sorts before one already applied; `.configuration` naming the file and line when a
    ///   statement fails (that file is rolled back; earlier ones stay applied); `.unavailable` when the
    ///   database cannot be reached.
    ///
    /// After a run that applied something (or always, with `reapplyingPrivileges`), the database's own
    /// `loyalty_grant_privileges()` hands the objects to the owner role and grants the app role what it
    /// needs (`0023_database_roles.sql`), so objects added by any migration are covered.
    ///
    /// - Throws: also ``LoyaltyError`` `.configuration` saying to use the migration URL when the role may not
    ///   change the schema (the app role).
    @discardableResult
    public func migrate(reapplyingPrivileges: Bool = false) async throws -> [Migration] {
        try Self.validateOrder(of: migrations)
        return try await withMappedErrors {
            try await client.withConnection { connection in
                try await withMigrationLock(on: connection) {
                    _ = try await refusingUnprivileged(on: connection) {
                        try await connection.query(Self.createTable, logger: logger)
                    }
                    let records = try await readRecords(on: connection) ?? []
                    let plan = try Self.plan(migrations, records: records)
                    for unknown in Self.statuses(of: migrations, records: records) {
                        guard case .unknown = unknown.state else { continue }
                        logger.warning(
                            "database has a migration this binary does not know; it was migrated by a newer Loyalty",
                            metadata: ["migration": "\(unknown.name)"]
                        )
                    }
                    for migration in plan {
                        try await apply(migration, on: connection)
                    }
                    if !plan.isEmpty || reapplyingPrivileges {
                        try await grantPrivileges(on: connection)
                    }
                    return plan
                }
            }
        }
    }
}

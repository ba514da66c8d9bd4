import Foundation
import Logging
import LoyaltyCore
import PostgresNIO

// Talking to PostgreSQL: the record table, the advisory lock, running a file.
extension Migrator {
    static let createTable: PostgresQuery = """
        create table if not exists schema_migrations (
            version    int primary key,
            name       text not null,
            checksum   text not null,
            applied_at timestamptz not null default now()
        )
        """

    /// First words of statements that would break the one-transaction-per-file rule.
    static let transactionControl: Set<String> = [
        "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release",
    ]

    /// The rows of `schema_migrations`, or `nil` when the table does not exist yet.
    func readRecords(on connection: PostgresConnection) async throws -> [Record]? {
        let exists = try await connection.query(
            "select to_regclass('schema_migrations') is not null", logger: logger
        )
        for try await (present) in exists.decode(Bool.self) where !present {
            return nil
        }
        let rows = try await connection.query(
            "select version, name, checksum, applied_at from schema_migrations order by version", logger: logger
        )
        var records: [Record] = []
        for try await (version, name, checksum, appliedAt) in rows.decode((Int, String, String, Date).self) {
            records.append(Record(version: version, name: name, checksum: checksum, appliedAt: appliedAt))
        }
        return records
    }

    /// Holds the session-level advisory lock on `connection` while `body` runs.
    func withMigrationLock<T>(
        on connection: PostgresConnection, _ body: () async throws -> T
    ) async throws -> T {
        // The server's sessions limit statements and lock waits to a till request's time-out; waiting for
        // another migrator, and migrating, may take longer. RESET gives the pooled session its limits back.
        try await connection.query("set statement_timeout = 0", logger: logger)
        try await connection.query("set lock_timeout = 0", logger: logger)
        let result: Result<T, any Error>
        do {
            let tried = try await connection.query("select pg_try_advisory_lock(\(Self.lockKey))", logger: logger)
            var locked = false
            for try await (acquired) in tried.decode(Bool.self) { locked = acquired }
            if !locked {
                logger.info("another process is migrating this database; waiting for it to finish")
                try await connection.query("select pg_advisory_lock(\(Self.lockKey))", logger: logger)
            }
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            _ = try? await connection.query("select pg_advisory_unlock(\(Self.lockKey))", logger: logger)
        } catch {
            _ = try? await connection.query("reset statement_timeout", logger: logger)
            _ = try? await connection.query("reset lock_timeout", logger: logger)
            throw error
        }
        _ = try? await connection.query("reset statement_timeout", logger: logger)
        _ = try? await connection.query("reset lock_timeout", logger: logger)
        return try result.get()
    }

    /// Runs one file and records it, in one transaction.
    func apply(_ migration: Migration, on connection: PostgresConnection) async throws {
        let script = try SQLScript(migration.sql, name: migration.name)
        if let control = script.statements.first(where: { Self.transactionControl.contains($0.firstWord) }) {
            throw LoyaltyError(
                .configuration,
                "migration \(migration.name) line \(control.line): \(control.firstWord.uppercased()) is not allowed; "
                    + "each migration already runs in its own transaction"
            )
        }
        logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
        try await connection.query("begin", logger: logger)
        do {
            for statement in script.statements {
                do {
                    // A statement's rows are read to the end: an error raised while they are produced (a
                    // `select f()` whose function fails) is only reported then.
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: statement.text), logger: logger)
                    for try await _ in rows {}
                } catch {
                    throw Self.failure(of: migration, at: statement, error)
                }
            }
            try await connection.query(
                """
                insert into schema_migrations (version, name, checksum)
                values (\(migration.version), \(migration.name), \(migration.checksum))
                """,
                logger: logger
            )
            try await connection.query("commit", logger: logger)
        } catch {
            _ = try? await connection.query("rollback", logger: logger)
            if error is LoyaltyError { throw error }
            throw LoyaltyError(
                .configuration, "migration \(migration.name) could not be committed: \(Self.describe(error))"
            )
        }
    }

    /// A statement failed: name the file and line (refined by the server's error position when it gives one).
    static func failure(of migration: Migration, at statement: SQLScript.Statement, _ error: any Error) -> any Error {
        guard let psqlError = error as? PSQLError, let info = psqlError.serverInfo else { return error }
        var line = statement.line
        if let positionText = info[.position], let position = Int(positionText), position > 0 {
            line += statement.text.prefix(position - 1).filter { $0 == "\n" }.count
        }
        let advice = info[.sqlState] == "42501" ? "; \(ownerAdvice)" : ""
        return LoyaltyError(
            .configuration, "migration \(migration.name) failed at line \(line): \(describe(psqlError))\(advice)"
        )
    }

    /// Rethrows PostgresNIO's errors as ``LoyaltyError``s with the server's message (PSQLError's own
    /// description is deliberately generic).
    func withMappedErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LoyaltyError {
            throw error
        } catch let error as PSQLError where error.serverInfo == nil {
            throw LoyaltyError(.unavailable, "cannot reach the database: \(Self.describe(error))")
        } catch {
            throw LoyaltyError(.configuration, "migrating the database failed: \(Self.describe(error))")
        }
    }

    /// A readable account of a database error: the server's message, SQLSTATE, detail and hint, or the
    /// client-side code and the underlying error.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        guard let info = error.serverInfo else {
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return "\(error.code)\(underlying)"
        }
        var text = info[.message] ?? "server error"
        if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
        if let detail = info[.detail] { text += "; \(detail)" }
        if let hint = info[.hint] { text += "; hint: \(hint)" }
        return text
    }
}

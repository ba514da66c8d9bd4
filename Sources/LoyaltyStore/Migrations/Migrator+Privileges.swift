import Logging
import LoyaltyCore
import PostgresNIO

// The roles of 0023_database_roles.sql: re-applying the grants, and a clear refusal for the app role.
extension Migrator {
    /// Runs `loyalty_grant_privileges()` when the database has it (from migration 23 on), in its own
    /// transaction: objects go to `loyalty_owner`, writers become SECURITY DEFINER, `loyalty_app` gets its
    /// grants.
    func grantPrivileges(on connection: PostgresConnection) async throws {
        let present = try await connection.query(
            "select to_regprocedure('loyalty_grant_privileges()') is not null", logger: logger)
        for try await (exists) in present.decode(Bool.self) where !exists {
            return
        }
        do {
            try await refusingUnprivileged(on: connection) {
                // A failing SELECT reports its error while its rows are read: read them.
                let rows = try await connection.query("select loyalty_grant_privileges()", logger: logger)
                for try await _ in rows {}
            }
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.configuration, "granting the database roles their privileges failed: \(Self.describe(error))")
        }
        logger.info("granted the database roles their privileges")
    }

    static let ownerAdvice =
        "migrate with the owner's URL, database.migration-url (LOYALTY_DATABASE_MIGRATION_URL)"

    /// Runs `body`, turning PostgreSQL's permission refusal (SQLSTATE 42501) into advice: the connected role
    /// is not the one that owns the schema.
    func refusingUnprivileged<T>(on connection: PostgresConnection, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42501" {
            var role = "this role"
            if let rows = try? await connection.query("select current_user::text", logger: logger) {
                for try await (name) in rows.decode(String.self) { role = "role \(name)" }
            }
            throw LoyaltyError(.configuration, "\(role) may not change the schema (\(Self.describe(error))): \(Self.ownerAdvice)")
        }
    }
}

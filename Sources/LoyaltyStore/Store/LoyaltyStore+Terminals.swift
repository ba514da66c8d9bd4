import Crypto
import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Registers a terminal and returns it with its secret. The secret is shown once: only its hash is stored.
    public func addTerminal(name: String, storeCode: String?, actor: String) async throws(LoyaltyError) -> (TerminalRecord, String) {
        let secret = TerminalSecret.generate()
        let hash = ByteBuffer(bytes: TerminalSecret.hash(secret))
        let record: TerminalRecord = try await run {
            let rows = try await client.query(
                """
                with added as (
                    insert into terminals (name, store_code, secret_hash) values (\(name), \(storeCode), \(hash))
                    returning id, name, store_code, status, created_at, revoked_at
                ), audit as (
                    insert into audit_log (actor, action, subject, details)
                    select \(actor), 'terminal.add', name, jsonb_strip_nulls(jsonb_build_object('store', store_code)) from added
                )
                select id, name, store_code, status, created_at, revoked_at from added
                """,
                logger: logger
            )
            return try await Self.terminals(from: rows).first ?? { throw LoyaltyError(.internal, "terminal not created") }()
        }
        return (record, secret)
    }

    public func listTerminals() async throws(LoyaltyError) -> [TerminalRecord] {
        try await run {
            let rows = try await client.query(
                "select id, name, store_code, status, created_at, revoked_at from terminals order by name",
                logger: logger
            )
            return try await Self.terminals(from: rows)
        }
    }

    /// Revokes a terminal: its next request, also on an open connection, is refused.
    public func revokeTerminal(name: String, actor: String) async throws(LoyaltyError) -> TerminalRecord {
        try await run {
            let rows = try await client.query(
                """
                with revoked as (
                    update terminals set status = 'revoked', revoked_at = now()
                     where name = \(name) and status = 'active'
                    returning id, name, store_code, status, created_at, revoked_at
                ), audit as (
                    insert into audit_log (actor, action, subject) select \(actor), 'terminal.revoke', name from revoked
                )
                select id, name, store_code, status, created_at, revoked_at from revoked
                """,
                logger: logger
            )
            guard let record = try await Self.terminals(from: rows).first else {
                throw LoyaltyError(.notFound, "no active terminal named \(name)")
            }
            return record
        }
    }

    /// Checks a terminal's credentials. Any mismatch (unknown name, revoked, wrong secret) is the same
    /// `AUTH_FAILED`, so that a caller learns nothing about which part was wrong.
    public func authenticate(terminal name: String, secret: String) async throws(LoyaltyError) -> TerminalRecord {
        let found: (TerminalRecord, [UInt8])? = try await run {
            let rows = try await client.query(
                """
                select id, name, store_code, status, created_at, revoked_at, secret_hash
                  from terminals where name = \(name)
                """,
                logger: logger
            )
            for try await (id, name, store, status, created, revoked, hash) in rows.decode(
                (Int64, String, String?, String, Date, Date?, ByteBuffer).self)
            {
                return (TerminalRecord(id: id, name: name, storeCode: store, status: status, createdAt: created, revokedAt: revoked), Array(hash.readableBytesView))
            }
            return nil
        }
        guard let (record, storedHash) = found, record.isActive, TerminalSecret.matches(secret, hash: storedHash) else {
            throw LoyaltyError(.authFailed, "unknown terminal or wrong secret")
        }
        return record
    }

    static func terminals(from rows: PostgresRowSequence) async throws -> [TerminalRecord] {
        var result: [TerminalRecord] = []
        for try await (id, name, store, status, created, revoked) in rows.decode((Int64, String, String?, String, Date, Date?).self) {
            result.append(TerminalRecord(id: id, name: name, storeCode: store, status: status, createdAt: created, revokedAt: revoked))
        }
        return result
    }
}


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
        try await authenticateCredential(terminal: name, secret: secret).0
    }

    /// Checks a terminal's credentials like ``authenticate(terminal:secret:)``, and tells which secret matched:
    /// the current one, or the old one of a rotation (valid until its `expiresAt`).
    public func authenticateCredential(terminal name: String, secret: String)
        async throws(LoyaltyError) -> (TerminalRecord, TerminalCredential)
    {
        let found: (TerminalRecord, [UInt8], [UInt8]?, Date?)? = try await run {
            let rows = try await client.query(
                """
                select id, name, store_code, status, created_at, revoked_at, secret_hash,
                       case when previous_secret_expires_at > now() then previous_secret_hash end,
                       case when previous_secret_expires_at > now() then previous_secret_expires_at end
                  from terminals where name = \(name)
                """,
                logger: logger
            )
            for try await (id, name, store, status, created, revoked, hash, previous, expires) in rows.decode(
                (Int64, String, String?, String, Date, Date?, ByteBuffer, ByteBuffer?, Date?).self)
            {
                let record = TerminalRecord(
                    id: id, name: name, storeCode: store, status: status, createdAt: created, revokedAt: revoked)
                return (record, Array(hash.readableBytesView), previous.map { Array($0.readableBytesView) }, expires)
            }
            return nil
        }
        guard let (record, current, previous, expires) = found, record.isActive else {
            throw LoyaltyError(.authFailed, "unknown terminal or wrong secret")
        }
        if TerminalSecret.matches(secret, hash: current) {
            return (record, TerminalCredential(secretHash: current, expiresAt: nil))
        }
        if let previous, TerminalSecret.matches(secret, hash: previous) {
            return (record, TerminalCredential(secretHash: previous, expiresAt: expires))
        }
        throw LoyaltyError(.authFailed, "unknown terminal or wrong secret")
    }

    /// Whether an open connection's secret is still valid: the terminal is active and the secret is its
    /// current one, or the old one of a rotation still in its grace period. Returns the secret's expiry
    /// (nil for the current secret).
    ///
    /// - Throws: `AUTH_FAILED` when the terminal was revoked or the secret replaced and its grace is over.
    public func confirmCredential(terminal id: Int64, _ credential: TerminalCredential)
        async throws(LoyaltyError) -> Date?
    {
        let hash = ByteBuffer(bytes: credential.secretHash)
        let verdict: (Bool, Date?)? = try await run {
            let rows = try await client.query(
                """
                select secret_hash = \(hash), previous_secret_expires_at from terminals
                 where id = \(id) and status = 'active'
                   and (secret_hash = \(hash) or (previous_secret_hash = \(hash) and previous_secret_expires_at > now()))
                """,
                logger: logger
            )
            for try await (isCurrent, expires) in rows.decode((Bool, Date?).self) { return (isCurrent, expires) }
            return nil
        }
        guard let (isCurrent, expires) = verdict else {
            throw LoyaltyError(.authFailed, "terminal is not active or its secret was replaced")
        }
        return isCurrent ? nil : expires
    }

    /// Starts a rotation: returns the terminal, its new secret (shown once, stored hashed) and when the old
    /// secret stops working.
    ///
    /// - Throws: `NOT_FOUND` (no active terminal of that name), `ALREADY_EXISTS` (a rotation is running).
    public func rotateTerminal(name: String, grace: Duration, actor: String)
        async throws(LoyaltyError) -> (TerminalRecord, String, Date)
    {
        let secret = TerminalSecret.generate()
        let hash = ByteBuffer(bytes: TerminalSecret.hash(secret))
        let seconds = grace.components.seconds
        let rotated: (TerminalRecord, Date)? = try await run {
            let rows = try await client.query(
                "select * from loyalty_terminal_rotate(\(actor), \(name), \(hash), make_interval(secs => \(seconds)))",
                logger: logger
            )
            for try await (id, name, store, status, created, revoked, expires) in rows.decode(
                (Int64, String, String?, String, Date, Date?, Date).self)
            {
                let record = TerminalRecord(
                    id: id, name: name, storeCode: store, status: status, createdAt: created, revokedAt: revoked)
                return (record, expires)
            }
            return nil
        }
        guard let (record, expires) = rotated else { throw LoyaltyError(.internal, "terminal not rotated") }
        return (record, secret, expires)
    }

    /// Ends a rotation's grace period at once: the old secret is refused from now on.
    ///
    /// - Throws: `NOT_FOUND` when the terminal is not rotating.
    public func finishTerminalRotation(name: String, actor: String) async throws(LoyaltyError) -> TerminalRecord {
        try await run {
            let rows = try await client.query(
                "select * from loyalty_terminal_finish_rotation(\(actor), \(name))", logger: logger)
            return try await Self.terminals(from: rows).first ?? { throw LoyaltyError(.internal, "rotation not finished") }()
        }
    }

    static func terminals(from rows: PostgresRowSequence) async throws -> [TerminalRecord] {
        var result: [TerminalRecord] = []
        for try await (id, name, store, status, created, revoked) in rows.decode((Int64, String, String?, String, Date, Date?).self) {
            result.append(TerminalRecord(id: id, name: name, storeCode: store, status: status, createdAt: created, revokedAt: revoked))
        }
        return result
    }
}


import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Awards points, for a purchase (which is recorded) or as an explicit number.
    /// - Parameters:
    ///   - points: the points to award, already computed from the programme's earn rate.
    ///   - purchase: the purchase amount, when the earn is for a purchase.
    public func earn(
        _ member: MemberReference, points: Int64, purchase: Money?, receipt: String?, reason: String? = nil,
        origin: Origin
    ) async throws(LoyaltyError) -> LedgerResult {
        try await ledgerStatement(
            EarnStatement(
                terminal: origin.terminalID, request: origin.requestID, fingerprint: origin.fingerprint,
                admin: origin.adminActor, memberKind: member.kind, memberValue: member.value, points: points,
                amountMinor: purchase?.minorUnits, currency: purchase?.currency.code, receipt: receipt, reason: reason,
                rules: rulesJSON))
    }

    /// Spends points. Refused with `INSUFFICIENT_POINTS` (and the balance in the message) when the
    /// member has fewer spendable points.
    public func redeem(_ member: MemberReference, points: Int64, receipt: String?, reason: String? = nil, origin: Origin)
        async throws(LoyaltyError) -> LedgerResult
    {
        try await ledgerStatement(
            SpendStatement(
                terminal: origin.terminalID, request: origin.requestID, fingerprint: origin.fingerprint,
                admin: origin.adminActor, memberKind: member.kind, memberValue: member.value, points: points,
                receipt: receipt, reason: reason, entryKind: "redeem"))
    }

    /// An administrative correction, positive or negative; a reason is required and audited.
    public func adjust(_ member: MemberReference, points: Int64, reason: String, actor: String) async throws(LoyaltyError) -> LedgerResult {
        guard points != 0 else { throw LoyaltyError.badArgument("points", "an adjustment cannot be zero") }
        guard !reason.isEmpty else { throw LoyaltyError.missingArgument("reason") }
        if points > 0 {
            return try await ledgerCall(
                "select loyalty_adjust_up(\(actor), \(member.kind), \(member.value), \(points), \(reason), \(rulesJSON)::jsonb)::text"
            )
        }
        let spent = try await ledgerCall(
            """
            select loyalty_spend(\(Int64?.none), \(String?.none), \(String?.none), \(actor),
                                 \(member.kind), \(member.value), \(-points), \(String?.none), \(reason), 'adjust')::text
            """
        )
        var result = spent
        result.adjusted = points
        result.redeemed = nil
        return result
    }

    /// Takes back what an earlier earn awarded, itemised like the earn. See `sql/migrations/0002_ledger_functions.sql`
    /// for the rules.
    public func reverse(
        earn: EarnReference, extent: ReversalExtent, origin: Origin
    ) async throws(LoyaltyError) -> LedgerResult {
        let ofRequest: String?
        let entry: Int64?
        switch earn {
        case .request(let id): (ofRequest, entry) = (id.value, nil)
        case .entry(let id): (ofRequest, entry) = (nil, id)
        }
        let amount: Money?
        let points: Int64?
        switch extent {
        case .full: (amount, points) = (nil, nil)
        case .amount(let money): (amount, points) = (money, nil)
        case .points(let value): (amount, points) = (nil, value)
        }
        return try await ledgerCall(
            """
            select loyalty_with_items(loyalty_reverse(
                \(origin.terminalID), \(origin.requestID), \(origin.fingerprint), \(origin.adminActor),
                \(ofRequest), \(entry), \(amount?.minorUnits), \(amount?.currency.code), \(points)))::text
            """
        )
    }

    /// The latest entries of a member's ledger, newest first, and the member's number.
    public func history(_ member: MemberReference, limit: Int, terminal: Int64? = nil)
        async throws(LoyaltyError) -> (member: String, entries: [LedgerEntry])
    {
        try await run {
            let rows = try await client.query(
                """
                select member, entry, at, kind, points, balance, receipt, reason, terminal, admin_actor, shortfall, reverses
                  from loyalty_history(\(terminal)::bigint, \(member.kind), \(member.value), \(limit)::int)
                """,
                logger: logger
            )
            var number: String?
            var entries: [LedgerEntry] = []
            for try await row in rows.decode(
                (String, Int64?, Date?, String?, Int64?, Int64?, String?, String?, String?, String?, Int64?, Int64?).self)
            {
                number = row.0
                guard let entry = row.1, let at = row.2, let kind = row.3, let points = row.4, let balance = row.5 else {
                    continue
                }
                entries.append(
                    LedgerEntry(
                        entry: entry, at: at, kind: kind, points: points, balance: balance, receipt: row.6,
                        reason: row.7, terminal: row.8, adminActor: row.9, shortfall: row.10 ?? 0, reverses: row.11))
            }
            guard let number else { throw LoyaltyError(.notFound, "no such member") }
            return (number, entries)
        }
    }

    /// Calls one ledger function, which returns its stored result as JSON text.
    func ledgerCall(_ query: PostgresQuery) async throws(LoyaltyError) -> LedgerResult {
        try await runIdempotent {
            try await decodeJSON(LedgerResult.self, from: client.query(query, logger: logger))
        }
    }

    /// A ledger call through a statement prepared once per pooled connection (the till's hot paths).
    func ledgerStatement<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws(LoyaltyError) -> LedgerResult
        where Statement.Row == String
    {
        try await runIdempotent {
            try await decodeJSON(LedgerResult.self, texts: client.execute(statement, logger: logger))
        }
    }

    /// Decodes a ledger function's outcome: the result, or the refusal it stored (thrown as its error).
    func decodeJSON<T: Decodable>(_ type: T.Type, from rows: PostgresRowSequence) async throws -> T {
        try await decodeJSON(type, texts: rows.decode(String.self))
    }

    /// Decodes a ledger function's outcome from its one row of JSON text.
    func decodeJSON<T: Decodable>(_ type: T.Type, texts: some AsyncSequence<String, any Error>) async throws -> T {
        for try await text in texts {
            let data = Data(text.utf8)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            if let refusal = try decoder.decode(StoredRefusal.self, from: data).refused {
                throw StoreErrorMapping.map(
                    sqlState: refusal.sqlstate, message: refusal.message, constraint: refusal.constraint, logger: logger)
            }
            return try decoder.decode(T.self, from: data)
        }
        throw LoyaltyError(.internal, "no result")
    }
}


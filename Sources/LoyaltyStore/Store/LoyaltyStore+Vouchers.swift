import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// A voucher found by its code, with its state (`valid`, `used`, `expired`).
    /// - Throws: `NOT_FOUND` for a code no voucher has.
    public func voucher(_ code: RedemptionCode, terminal: Int64? = nil) async throws(LoyaltyError) -> VoucherRecord {
        let hash = ByteBuffer(bytes: try requireKey().codeHash(code))
        let records = try await run {
            try await Self.vouchers(
                from: client.query(
                    "select \(unescaped: Self.voucherColumns) from loyalty_voucher_status(\(terminal)::bigint, \(hash), \(rules.timeZone)) s",
                    logger: logger))
        }
        guard let record = records.first else { throw LoyaltyError(.notFound, "no voucher with this code") }
        return record
    }

    /// A member's vouchers, newest first.
    public func vouchers(of member: MemberReference) async throws(LoyaltyError) -> [VoucherRecord] {
        try await run {
            try await Self.vouchers(
                from: client.query(
                    """
                    select \(unescaped: Self.voucherColumns)
                      from vouchers v0 cross join lateral loyalty_voucher_status(null, v0.code_hash, \(rules.timeZone)) s
                     where v0.member_id = loyalty_member_id(\(member.kind), \(member.value))
                     order by v0.id desc
                    """,
                    logger: logger))
        }
    }

    /// Uses a voucher once, at a till, for a receipt. A second use by another request is refused with
    /// `VOUCHER_USED`; a retry of the same request replays its outcome.
    ///
    /// The request's fingerprint names the code, so it is keyed before it is stored: the database keeps
    /// no unkeyed trace of a code.
    public func useVoucher(_ code: RedemptionCode, receipt: String, origin: Origin) async throws(LoyaltyError) -> VoucherUseResult {
        guard case .terminal(let terminal, let request, let fingerprint) = origin else {
            throw LoyaltyError(.badArgument, "vouchers are used at a till")
        }
        let key = try requireKey()
        let hash = ByteBuffer(bytes: key.codeHash(code))
        let keyed = key.keyedFingerprint(fingerprint, verb: "USE")
        return try await runIdempotent {
            try await decodeJSON(
                VoucherUseResult.self,
                from: client.query(
                    "select loyalty_use_voucher(\(terminal), \(request.value), \(keyed), \(hash), \(receipt), \(rules.timeZone))::text",
                    logger: logger))
        }
    }

    /// The columns of `loyalty_voucher_status(…) s` as ``vouchers(from:)`` reads them.
    static let voucherColumns =
        """
        s.last4, s.status, s.reward, s.reward_name, s.member, s.issued_at, to_char(s.expires_on, 'YYYY-MM-DD'), s.used_at, s.receipt,
        s.used_by, s.source, s.grant_reason
        """

    static func vouchers(from rows: PostgresRowSequence) async throws -> [VoucherRecord] {
        var records: [VoucherRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            records.append(
                VoucherRecord(
                    last4: try cells[0].decode(String.self), status: try cells[1].decode(String.self),
                    reward: try cells[2].decode(String.self), rewardName: try cells[3].decode(String.self),
                    member: try cells[4].decode(String.self), issuedAt: try cells[5].decode(Date.self),
                    expiresOn: try cells[6].decode(String.self), usedAt: try cells[7].decode(Date?.self),
                    receipt: try cells[8].decode(String?.self), usedBy: try cells[9].decode(String?.self),
                    source: try cells[10].decode(String.self), grantReason: try cells[11].decode(String?.self)))
        }
        return records
    }
}

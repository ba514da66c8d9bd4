import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The columns of a reward as ``rewards(from:)`` reads them, from `rewards r`.
    static let rewardColumns = """
        r.code, r.name, r.cost, r.stock, to_char(r.valid_from, 'YYYY-MM-DD'), to_char(r.valid_until, 'YYYY-MM-DD'),
        (select t.code from tiers t where t.id = r.min_tier_id), r.status,
        (select count(*) from vouchers v where v.reward_id = r.id)::int8,
        (select count(*) from vouchers v join voucher_uses u on u.voucher_id = v.id where v.reward_id = r.id)::int8,
        r.created_at, r.updated_at, r.retired_at
        """

    /// Adds a reward to the catalog. Codes are unique; the minimum tier must exist.
    public func addReward(_ reward: RewardDefinition, actor: String) async throws(LoyaltyError) -> RewardRecord {
        try await firstReward(
            """
            with added as (
                insert into rewards (code, name, cost, stock, valid_from, valid_until, min_tier_id)
                values (\(reward.code.value), \(reward.name), \(reward.cost), \(reward.stock)::int8,
                        \(reward.validFrom?.description)::date, \(reward.validUntil?.description)::date,
                        loyalty_tier_id(\(reward.minimumTier?.value)))
                returning *
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'reward.add', code, \(unescaped: Self.rewardAuditDetails) from added
            )
            select \(unescaped: Self.rewardColumns) from added r
            """,
            missing: "reward not created")
    }

    /// The catalog, by code, retired rewards included.
    public func listRewards() async throws(LoyaltyError) -> [RewardRecord] {
        try await run {
            try await Self.rewards(
                from: client.query("select \(unescaped: Self.rewardColumns) from rewards r order by r.code", logger: logger))
        }
    }

    /// One reward. - Throws: `NOT_FOUND`.
    public func reward(_ code: RewardCode) async throws(LoyaltyError) -> RewardRecord {
        try await firstReward(
            "select \(unescaped: Self.rewardColumns) from rewards r where r.code = \(code.value)",
            missing: "no reward with code \(code)", code: .notFound)
    }

    /// Changes a reward; vouchers already issued keep their last day.
    public func updateReward(_ code: RewardCode, _ update: RewardUpdate, actor: String) async throws(LoyaltyError) -> RewardRecord {
        guard !update.isEmpty else { throw LoyaltyError(.missingArgument, "nothing to update") }
        if let name = update.name { _ = try FieldRules.requiredText(name, field: "name", maximumLength: 100) }
        if let cost = update.cost, !(1...PointsQuantity.maximum).contains(cost) {
            throw LoyaltyError.badArgument("cost", "must be 1...\(PointsQuantity.maximum) points")
        }
        let stock = update.stock.sqlPair
        if let value = stock.1, !(0...PointsQuantity.maximum).contains(value) {
            throw LoyaltyError.badArgument("stock", "must be 0...\(PointsQuantity.maximum)")
        }
        let from = update.validFrom.sqlPair
        let until = update.validUntil.sqlPair
        let tier = update.minimumTier.sqlPair
        return try await firstReward(
            """
            with changed as (
                update rewards set
                       name = coalesce(\(update.name)::text, name), cost = coalesce(\(update.cost)::int8, cost),
                       stock = case when \(stock.0) then \(stock.1)::int8 else stock end,
                       valid_from = case when \(from.0) then \(from.1?.description)::date else valid_from end,
                       valid_until = case when \(until.0) then \(until.1?.description)::date else valid_until end,
                       min_tier_id = case when \(tier.0) then loyalty_tier_id(\(tier.1?.value)) else min_tier_id end,
                       updated_at = now()
                 where code = \(code.value)
                returning *
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'reward.update', code, \(unescaped: Self.rewardAuditDetails) from changed
            )
            select \(unescaped: Self.rewardColumns) from changed r
            """,
            missing: "no reward with code \(code)", code: .notFound)
    }

    /// Retires a reward: it can no longer be claimed or granted; vouchers already issued stay valid
    /// until their last day. Retiring a retired reward changes nothing and is not an error.
    public func retireReward(_ code: RewardCode, actor: String) async throws(LoyaltyError) -> RewardRecord {
        try await firstReward(
            """
            with changed as (
                update rewards set status = 'retired', retired_at = now(), updated_at = now()
                 where code = \(code.value) and status = 'active'
                returning *
            ), audit as (
                insert into audit_log (actor, action, subject) select \(actor), 'reward.retire', code from changed
            )
            select \(unescaped: Self.rewardColumns) from changed r
            union all
            select \(unescaped: Self.rewardColumns) from rewards r
             where r.code = \(code.value) and not exists (select 1 from changed)
            """,
            missing: "no reward with code \(code)", code: .notFound)
    }

    /// What the member can claim now, with their spendable points (docs/programme.md, Rewards).
    public func claimableRewards(_ member: MemberReference, terminal: Int64? = nil) async throws(LoyaltyError) -> ClaimableRewards {
        try await run {
            let rows = try await client.query(
                """
                select member, points, code, name, cost, stock, to_char(valid_until, 'YYYY-MM-DD')
                  from loyalty_claimable_rewards(\(terminal)::bigint, \(member.kind), \(member.value), \(rules.timeZone))
                """,
                logger: logger)
            var result: ClaimableRewards?
            for try await (number, points, code, name, cost, stock, until) in rows.decode(
                (String, Int64, String?, String?, Int64?, Int64?, String?).self)
            {
                if result == nil { result = ClaimableRewards(member: number, points: points, rewards: []) }
                guard let code, let name, let cost else { continue }
                result?.rewards.append(.init(code: code, name: name, cost: cost, stock: stock, validUntil: until))
            }
            guard let result else { throw LoyaltyError(.notFound, "no such member") }
            return result
        }
    }

    /// Claims a reward: spends its cost and issues a voucher. At a till the voucher's code is derived from
    /// the terminal and the request id, so that a retry gets the same code; for an administrator it is random.
    /// Only the code's keyed hash and last four characters are stored.
    public func claim(_ member: MemberReference, reward: RewardCode, origin: Origin) async throws(LoyaltyError) -> ClaimResult {
        let key = try requireKey()
        let code: RedemptionCode =
            switch origin {
            case .terminal(let terminal, let request, _): key.voucherCode(terminal: terminal, request: request)
            case .admin: RedemptionCode.random()
            }
        let hash = ByteBuffer(bytes: key.codeHash(code))
        let stored = try await runIdempotent {
            try await decodeJSON(
                ClaimResult.Stored.self,
                from: client.query(
                    """
                    select loyalty_claim(\(origin.terminalID), \(origin.requestID), \(origin.fingerprint), \(origin.adminActor),
                                         \(member.kind), \(member.value), \(reward.value), \(hash), \(code.last4),
                                         \(rewardRules.voucherDays)::int, \(rules.timeZone))::text
                    """,
                    logger: logger))
        }
        // A replay recomputes the code; a different key since the claim would give another one.
        guard stored.last4 == code.last4 else {
            logger.error("replayed claim's voucher does not match the installation key", metadata: ["member": "\(stored.member)"])
            throw LoyaltyError(.internal, "the voucher of this claim was made with another installation key")
        }
        return ClaimResult(
            code: code, member: stored.member, reward: stored.reward, name: stored.name, spent: stored.spent, points: stored.points,
            entry: stored.entry, expires: stored.expires, replayed: stored.replayed ?? false)
    }

    /// Issues vouchers for a reward without spending points, one per member number, in one transaction,
    /// audited per voucher. Members that cannot have one (unknown, not active) are skipped and reported in
    /// the outcome; a reward that cannot be granted, or whose stock does not cover the vouchers, refuses
    /// the whole grant.
    ///
    /// - Parameter deliver: receives the outcomes, codes included, **before** the transaction commits.
    ///   When it throws, nothing is granted; so a caller that must not lose a code (it is never shown again)
    ///   writes the codes somewhere safe here.
    public func grantVouchers(
        _ reward: RewardCode, to members: [MemberNumber], reason: String, actor: String,
        deliver: @Sendable ([GrantOutcome]) async throws -> Void = { _ in }
    ) async throws(LoyaltyError) -> [GrantOutcome] {
        let key = try requireKey()
        let reason = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
        let codes = members.map { _ in RedemptionCode.random() }
        let hashes = codes.map { key.codeHash($0).hexEncoded }
        let numbers = members.map(\.digits)
        let last4s = codes.map(\.last4)
        let days = rewardRules.voucherDays
        return try await run {
            try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    select loyalty_grant_vouchers(\(actor), \(reward.value), \(numbers), \(hashes), \(last4s), \(reason),
                                                  \(days)::int, \(rules.timeZone))::text
                    """,
                    logger: logger)
                var outcomes: [GrantOutcome] = []
                for try await text in rows.decode(String.self) {
                    let stored = try JSONDecoder().decode([StoredGrant].self, from: Data(text.utf8))
                    guard stored.count == codes.count else { throw LoyaltyError(.internal, "grant returned \(stored.count) outcomes") }
                    outcomes = zip(stored, codes).map { stored, code in
                        GrantOutcome(
                            member: stored.member, code: stored.skipped == nil ? code : nil, expires: stored.expires,
                            skipped: stored.skipped)
                    }
                }
                try await deliver(outcomes)
                return outcomes
            }
        }
    }

    private func firstReward(_ query: PostgresQuery, missing: String, code: LoyaltyError.Code = .internal)
        async throws(LoyaltyError) -> RewardRecord
    {
        let records = try await run { try await Self.rewards(from: client.query(query, logger: logger)) }
        guard let record = records.first else { throw LoyaltyError(code, missing) }
        return record
    }

    /// What the audit log records of a reward added or changed, as SQL over its row.
    static let rewardAuditDetails = """
        jsonb_strip_nulls(jsonb_build_object('name', name, 'cost', cost, 'stock', stock, 'valid_from', valid_from,
            'valid_until', valid_until, 'min_tier', (select t.code from tiers t where t.id = min_tier_id)))
        """

    static func rewards(from rows: PostgresRowSequence) async throws -> [RewardRecord] {
        var records: [RewardRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            records.append(
                RewardRecord(
                    code: try cells[0].decode(String.self), name: try cells[1].decode(String.self),
                    cost: try cells[2].decode(Int64.self), stock: try cells[3].decode(Int64?.self),
                    validFrom: try cells[4].decode(String?.self), validUntil: try cells[5].decode(String?.self),
                    minimumTier: try cells[6].decode(String?.self), status: try cells[7].decode(String.self),
                    issued: try cells[8].decode(Int64.self), used: try cells[9].decode(Int64.self),
                    createdAt: try cells[10].decode(Date.self), updatedAt: try cells[11].decode(Date.self),
                    retiredAt: try cells[12].decode(Date?.self)))
        }
        return records
    }
}

/// One element of `loyalty_grant_vouchers`' result.
private struct StoredGrant: Decodable {
    let member: String
    let expires: String?
    let skipped: String?
}

import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    static let tierColumns = "code, name, rank, threshold, multiplier_percent, benefits, created_at, updated_at"

    /// Defines a tier. Codes and ranks are unique.
    public func addTier(_ tier: TierDefinition, actor: String) async throws(LoyaltyError) -> TierRecord {
        try await firstTier(
            """
            with added as (
                insert into tiers (code, name, rank, threshold, multiplier_percent, benefits)
                values (\(tier.code.value), \(tier.name), \(tier.rank), \(tier.threshold), \(tier.multiplier.percent), \(tier.benefits))
                returning \(unescaped: Self.tierColumns)
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'tier.add', code,
                       jsonb_build_object('rank', rank, 'threshold', threshold, 'multiplier_percent', multiplier_percent)
                  from added
            )
            select \(unescaped: Self.tierColumns) from added
            """,
            missing: "tier not created")
    }

    /// Adds the tiers that do not exist yet and updates those that do (by code), in one transaction.
    public func seedTiers(_ tiers: [TierDefinition], actor: String) async throws(LoyaltyError) -> [TierRecord] {
        try await run {
            try await client.withTransaction(logger: logger) { connection in
                // Ranks may be swapped and the ladder rebuilt: check uniqueness and the ladder at commit.
                try await connection.query("set constraints tiers_rank_key, tiers_check_ladder deferred", logger: logger)
                var records: [TierRecord] = []
                for tier in tiers {
                    let rows = try await connection.query(
                        """
                        insert into tiers (code, name, rank, threshold, multiplier_percent, benefits)
                        values (\(tier.code.value), \(tier.name), \(tier.rank), \(tier.threshold), \(tier.multiplier.percent), \(tier.benefits))
                        on conflict (code) do update
                           set name = excluded.name, rank = excluded.rank, threshold = excluded.threshold,
                               multiplier_percent = excluded.multiplier_percent, benefits = excluded.benefits, updated_at = now()
                        returning \(unescaped: Self.tierColumns)
                        """,
                        logger: logger)
                    records += try await Self.tiers(from: rows)
                }
                try await connection.query(
                    """
                    insert into audit_log (actor, action, details)
                    values (\(actor), 'tier.seed', jsonb_build_object('tiers', \(tiers.map(\.code.value))::text[]))
                    """,
                    logger: logger)
                return records
            }
        }
    }

    public func listTiers() async throws(LoyaltyError) -> [TierRecord] {
        try await run {
            try await Self.tiers(
                from: client.query("select \(unescaped: Self.tierColumns) from tiers order by rank", logger: logger))
        }
    }

    public func updateTier(code: TierCode, _ update: TierUpdate, actor: String) async throws(LoyaltyError) -> TierRecord {
        guard !update.isEmpty else { throw LoyaltyError(.missingArgument, "nothing to update") }
        return try await firstTier(
            """
            with changed as (
                update tiers set name = coalesce(\(update.name)::text, name), rank = coalesce(\(update.rank)::int, rank),
                       threshold = coalesce(\(update.threshold)::bigint, threshold),
                       multiplier_percent = coalesce(\(update.multiplier?.percent)::int, multiplier_percent),
                       benefits = coalesce(\(update.benefits)::text, benefits), updated_at = now()
                 where code = \(code.value)
                returning \(unescaped: Self.tierColumns)
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'tier.update', code,
                       jsonb_build_object('rank', rank, 'threshold', threshold, 'multiplier_percent', multiplier_percent)
                  from changed
            )
            select \(unescaped: Self.tierColumns) from changed
            """,
            missing: "no tier with code \(code)", code: .notFound)
    }

    /// Removes a tier that no member holds and no history names. The lowest tier can go only if the
    /// next one up needs no points (members without a tier record move into it).
    public func removeTier(code: TierCode, actor: String) async throws(LoyaltyError) -> TierRecord {
        let removed = try await run {
            try await Self.tiers(
                from: client.query(
                    """
                    with removed as (
                        delete from tiers t
                         where t.code = \(code.value)
                           and not exists (select 1 from member_tiers mt where mt.tier_id = t.id)
                           and not exists (select 1 from tier_changes c where t.id in (c.from_tier_id, c.to_tier_id))
                        returning \(unescaped: Self.tierColumns)
                    ), audit as (
                        insert into audit_log (actor, action, subject) select \(actor), 'tier.remove', code from removed
                    )
                    select \(unescaped: Self.tierColumns) from removed
                    """,
                    logger: logger))
        }
        if let record = removed.first { return record }
        guard try await listTiers().contains(where: { $0.code == code.value }) else {
            throw LoyaltyError(.notFound, "no tier with code \(code)")
        }
        throw LoyaltyError(.badArgument, "tier \(code) is held by members or named in their history; it cannot be removed")
    }

    /// Puts a member in a tier by hand until `until` (or until the next qualification or evaluation).
    public func setMemberTier(_ member: MemberReference, tier: TierCode, reason: String, until: CalendarDate?, actor: String)
        async throws(LoyaltyError) -> (member: String, tier: String)
    {
        let result = try await run {
            let rows = try await client.query(
                """
                select loyalty_set_tier(\(actor), \(member.kind), \(member.value), \(tier.value), \(reason),
                                        \(until?.description)::date)::text
                """,
                logger: logger)
            for try await text in rows.decode(String.self) {
                return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            }
            throw LoyaltyError(.internal, "no result")
        }
        return (result["member"] ?? "", result["tier"] ?? tier.value)
    }

    /// A member's tier changes, newest first.
    public func tierHistory(_ member: MemberReference) async throws(LoyaltyError) -> [TierChange] {
        try await run {
            let rows = try await client.query(
                """
                select c.at, f.code, t.code, c.reason, c.note, c.actor, c.entry_id
                  from tier_changes c
                  join tiers t on t.id = c.to_tier_id
                  left join tiers f on f.id = c.from_tier_id
                 where c.member_id = loyalty_member_id(\(member.kind), \(member.value))
                 order by c.id desc
                """,
                logger: logger)
            var changes: [TierChange] = []
            for try await (at, from, to, reason, note, actor, entry) in rows.decode(
                (Date, String?, String, String, String?, String?, Int64?).self)
            {
                changes.append(TierChange(at: at, from: from, to: to, reason: reason, note: note, actor: actor, entry: entry))
            }
            return changes
        }
    }

    private func firstTier(_ query: PostgresQuery, missing: String, code: LoyaltyError.Code = .internal)
        async throws(LoyaltyError) -> TierRecord
    {
        let records = try await run { try await Self.tiers(from: client.query(query, logger: logger)) }
        guard let record = records.first else { throw LoyaltyError(code, missing) }
        return record
    }

    static func tiers(from rows: PostgresRowSequence) async throws -> [TierRecord] {
        var records: [TierRecord] = []
        for try await (code, name, rank, threshold, percent, benefits, created, updated) in rows.decode(
            (String, String, Int, Int64, Int, String, Date, Date).self)
        {
            records.append(
                TierRecord(
                    code: code, name: name, rank: rank, threshold: threshold, multiplierPercent: percent, benefits: benefits,
                    createdAt: created, updatedAt: updated))
        }
        return records
    }
}

import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// A promotion as JSON, with its award counts (decoded into ``PromotionRecord``).
    static let promotionJSON = """
        (to_jsonb(p) - 'id' - 'created_at' - 'updated_at') || jsonb_build_object(
            'created_at', to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'updated_at', to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'awards', (select count(*) from point_entry_items i where i.promotion_id = p.id and i.points > 0),
            'points_awarded', (select coalesce(sum(i.points), 0) from point_entry_items i where i.promotion_id = p.id))
        """

    /// Defines a promotion; its code is unique.
    public func addPromotion(_ promotion: PromotionDefinition, actor: String) async throws(LoyaltyError) -> PromotionRecord {
        let (multiplier, bonus): (Int?, Int64?) =
            switch promotion.bonus {
            case .multiplier(let multiplier): (multiplier.percent, nil)
            case .points(let points): (nil, points)
            }
        return try await firstPromotion(
            """
            with added as (
                insert into promotions (code, name, starts_on, ends_on, stores, condition, multiplier_percent,
                                        bonus_points, min_spend_minor, min_spend_currency, limit_per_member)
                values (\(promotion.code.value), \(promotion.name), \(promotion.startsOn.description)::date,
                        \(promotion.endsOn.description)::date, \(promotion.stores)::text[], \(promotion.condition.rawValue),
                        \(multiplier)::int, \(bonus)::bigint, \(promotion.minimumSpend?.minorUnits)::bigint,
                        \(promotion.minimumSpend?.currency.code)::text, \(promotion.limitPerMember)::int)
                returning *
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'promo.add', code, to_jsonb(added) - 'id' - 'created_at' - 'updated_at' from added
            )
            select (\(unescaped: Self.promotionJSON))::text from added p
            """,
            missing: "promotion not created")
    }

    /// Promotions, newest first; ended ones only when asked.
    public func listPromotions(includeEnded: Bool) async throws(LoyaltyError) -> [PromotionRecord] {
        try await run {
            try await Self.promotions(
                from: client.query(
                    """
                    select (\(unescaped: Self.promotionJSON))::text from promotions p
                     where \(includeEnded) or p.status = 'active'
                     order by p.starts_on desc, p.code
                    """,
                    logger: logger))
        }
    }

    public func promotion(code: PromotionCode) async throws(LoyaltyError) -> PromotionRecord {
        try await firstPromotion(
            "select (\(unescaped: Self.promotionJSON))::text from promotions p where p.code = \(code.value)",
            missing: "no promotion with code \(code)", code: .notFound)
    }

    public func updatePromotion(code: PromotionCode, _ update: PromotionUpdate, actor: String)
        async throws(LoyaltyError) -> PromotionRecord
    {
        guard !update.isEmpty else { throw LoyaltyError(.missingArgument, "nothing to update") }
        return try await firstPromotion(
            """
            with changed as (
                update promotions
                   set name = coalesce(\(update.name)::text, name),
                       starts_on = coalesce(\(update.startsOn?.description)::date, starts_on),
                       ends_on = coalesce(\(update.endsOn?.description)::date, ends_on),
                       limit_per_member = coalesce(\(update.limitPerMember)::int, limit_per_member),
                       updated_at = now()
                 where code = \(code.value)
                returning *
            ), audit as (
                insert into audit_log (actor, action, subject, details)
                select \(actor), 'promo.update', code,
                       jsonb_build_object('name', name, 'starts_on', starts_on, 'ends_on', ends_on,
                                          'limit_per_member', limit_per_member)
                  from changed
            )
            select (\(unescaped: Self.promotionJSON))::text from changed p
            """,
            missing: "no promotion with code \(code)", code: .notFound)
    }

    /// Ends a promotion now: it rewards no more purchases, and its history stays.
    public func endPromotion(code: PromotionCode, actor: String) async throws(LoyaltyError) -> PromotionRecord {
        try await firstPromotion(
            """
            with ended as (
                update promotions set status = 'ended', updated_at = now() where code = \(code.value) returning *
            ), audit as (
                insert into audit_log (actor, action, subject) select \(actor), 'promo.end', code from ended
            )
            select (\(unescaped: Self.promotionJSON))::text from ended p
            """,
            missing: "no promotion with code \(code)", code: .notFound)
    }

    private func firstPromotion(_ query: PostgresQuery, missing: String, code: LoyaltyError.Code = .internal)
        async throws(LoyaltyError) -> PromotionRecord
    {
        let records = try await run { try await Self.promotions(from: client.query(query, logger: logger)) }
        guard let record = records.first else { throw LoyaltyError(code, missing) }
        return record
    }

    static func promotions(from rows: PostgresRowSequence) async throws -> [PromotionRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var records: [PromotionRecord] = []
        for try await text in rows.decode(String.self) {
            records.append(try decoder.decode(PromotionRecord.self, from: Data(text.utf8)))
        }
        return records
    }
}

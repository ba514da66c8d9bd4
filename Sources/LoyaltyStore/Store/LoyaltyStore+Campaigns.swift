import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// A campaign as JSON, with its promotion's code and the size of its send list.
    static let campaignJSON = """
        jsonb_build_object(
            'code', c.code, 'name', c.name, 'channel', c.channel, 'segment_name', c.segment_name,
            'segment_filter', c.segment_filter::text, 'starts_on', c.starts_on::text, 'ends_on', c.ends_on::text,
            'cost_minor', c.cost_minor, 'currency', c.currency, 'holdout_percent', c.holdout_percent,
            'attribution_days', c.attribution_days,
            'promotion', (select p.code from promotions p where p.id = c.promotion_id),
            'created_by', c.created_by,
            'created_at', to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'sent_at', to_char(c.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'sent_by', c.sent_by,
            'contacted', (select count(*) from campaign_members cm where cm.campaign_id = c.id and cm.arm = 'contacted'),
            'holdout', (select count(*) from campaign_members cm where cm.campaign_id = c.id and cm.arm = 'holdout'))
        """

    /// Records a campaign (not sent yet). The segment and the promotion must exist; the first day defaults
    /// to today (programme-local). Audited.
    public func addCampaign(_ campaign: CampaignDefinition, actor: String) async throws(LoyaltyError) -> CampaignRecord {
        let promotion = campaign.promotion?.value
        let zone = rules.timeZone
        let records = try await run {
            try await Self.campaigns(
                from: client.query(
                    """
                    with checked as (
                        select (select s.name from segments s where s.name = \(campaign.segment.value)) as segment,
                               (select p.id from promotions p where p.code = \(promotion)::text) as promotion_id
                    ), added as (
                        insert into campaigns (code, name, channel, segment_name, starts_on, ends_on, cost_minor, currency,
                                               holdout_percent, attribution_days, promotion_id, created_by)
                        select \(campaign.code.value), \(campaign.name), \(campaign.channel.rawValue), k.segment,
                               coalesce(\(campaign.startsOn?.description)::date, loyalty_local_date(\(zone))),
                               \(campaign.endsOn?.description)::date, \(campaign.cost.minorUnits), \(campaign.cost.currency.code),
                               \(campaign.holdoutPercent), \(campaign.attributionDays), k.promotion_id, \(actor)
                          from checked k
                         where k.segment is not null and (\(promotion)::text is null or k.promotion_id is not null)
                        on conflict (code) do nothing
                        returning *
                    ), audit as (
                        insert into audit_log (actor, action, subject, details)
                        select \(actor), 'campaign.add', code,
                               to_jsonb(added) - 'id' - 'created_at' - 'created_by' - 'sent_at' - 'sent_by' - 'segment_filter'
                          from added
                    )
                    select (\(unescaped: Self.campaignJSON))::text from added c
                    """,
                    logger: logger))
        }
        if let record = records.first { return record }
        do {
            _ = try await segment(campaign.segment)
        } catch where error.code == .notFound {
            throw LoyaltyError(.badArgument, "segment: no segment \(campaign.segment); see `loyalty segment list`")
        }
        if let code = campaign.promotion {
            do {
                _ = try await self.promotion(code: code)
            } catch where error.code == .notFound {
                throw LoyaltyError(.badArgument, "promo: no promotion \(code); see `loyalty promo list`")
            }
        }
        throw LoyaltyError(.alreadyExists, "a campaign \(campaign.code) exists")
    }

    /// Every campaign, newest first.
    public func campaigns() async throws(LoyaltyError) -> [CampaignRecord] {
        try await run {
            try await Self.campaigns(
                from: client.query(
                    "select (\(unescaped: Self.campaignJSON))::text from campaigns c order by c.created_at desc, c.code", logger: logger))
        }
    }

    /// The campaign `code`, or `NOT_FOUND`.
    public func campaign(_ code: RecordCode) async throws(LoyaltyError) -> CampaignRecord {
        let records = try await run {
            try await Self.campaigns(
                from: client.query("select (\(unescaped: Self.campaignJSON))::text from campaigns c where c.code = \(code.value)", logger: logger))
        }
        guard let record = records.first else { throw LoyaltyError(.notFound, "no campaign \(code)") }
        return record
    }

    /// Sends a campaign: evaluates its segment now (queued purchase metrics folded in first), records the
    /// send list with the holdout, and marks it sent, in one call of `loyalty_send_campaign`. A campaign is
    /// sent once: a second send is `ALREADY_EXISTS`. Audited.
    public func sendCampaign(_ code: RecordCode, actor: String) async throws(LoyaltyError) -> CampaignSendSummary {
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        return try await run {
            try await decodeJSON(
                CampaignSendSummary.self,
                from: client.query(
                    "select loyalty_send_campaign(\(code.value), loyalty_local_date(\(zone)), \(lapseJSON)::jsonb, \(actor))::text",
                    logger: logger))
        }
    }

    /// Streams the contacted members of a sent campaign to `row`, by member number, with the address and
    /// contact time recorded at the send. With `audit`, records the export (personal data leaves the system)
    /// before the first row is read: a sent campaign's list does not change, so the count is the list's,
    /// and an export that breaks off half-way is on record too.
    public func campaignSendList(
        _ code: RecordCode, actor: String, audit: Bool, row: (CampaignSendRow) async throws -> Void
    ) async throws(LoyaltyError) -> Int64 {
        let campaign = try await self.campaign(code)
        guard campaign.sentAt != nil else { throw LoyaltyError(.badArgument, "campaign \(code) is not sent yet; see `loyalty campaign send`") }
        return try await run {
            if audit {
                try await client.query(
                    """
                    insert into audit_log (actor, action, subject, details)
                    select \(actor), 'campaign.export', c.code, jsonb_build_object('exported', count(cm.member_id))
                      from campaigns c
                      left join campaign_members cm on cm.campaign_id = c.id and cm.arm = 'contacted'
                     where c.code = \(code.value)
                     group by c.code
                    """,
                    logger: logger)
            }
            let rows = try await client.query(
                """
                select m.number, m.first_name, m.last_name, coalesce(cm.address, ''), cm.contacted_at
                  from campaigns c
                  join campaign_members cm on cm.campaign_id = c.id and cm.arm = 'contacted'
                  join members m on m.id = cm.member_id
                 where c.code = \(code.value)
                 order by m.number
                """,
                logger: logger)
            var written: Int64 = 0
            for try await (member, first, last, address, at) in rows.decode((String, String, String, String, Date).self) {
                try await row(CampaignSendRow(member: member, firstName: first, lastName: last, address: address, contactedAt: at))
                written += 1
            }
            return written
        }
    }

    static func campaigns(from rows: PostgresRowSequence) async throws -> [CampaignRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var records: [CampaignRecord] = []
        for try await text in rows.decode(String.self) {
            records.append(try decoder.decode(CampaignRecord.self, from: Data(text.utf8)))
        }
        return records
    }
}

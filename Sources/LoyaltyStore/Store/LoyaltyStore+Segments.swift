import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Saves a segment; with `replace`, an existing segment of that name gets the new description and
    /// filter. Tier codes must exist. Audited.
    public func saveSegment(
        _ name: SegmentName, description: String, filter: SegmentFilter, replace: Bool, actor: String
    ) async throws(LoyaltyError) -> SegmentRecord {
        let json = try Self.filterJSON(filter)
        try await checkTiers(filter.tiers ?? [])
        try await run {
            let rows = try await client.query(
                """
                with saved as (
                    insert into segments (name, description, filter, created_by)
                    values (\(name.value), \(description), \(json)::jsonb, \(actor))
                    on conflict (name) do update set description = excluded.description, filter = excluded.filter,
                                                     updated_at = now()
                     where \(replace)
                    returning id, (xmax <> 0) as replaced
                ), audited as (
                    insert into audit_log (actor, action, subject, details)
                    select \(actor), case when replaced then 'segment.update' else 'segment.create' end, \(name.value),
                           jsonb_build_object('filter', \(json)::jsonb)
                      from saved
                )
                select count(*) from saved
                """,
                logger: logger)
            var saved = 0
            for try await count in rows.decode(Int.self) { saved = count }
            guard saved == 1 else {
                throw LoyaltyError(.alreadyExists, "segment \(name) exists; give --replace to change it")
            }
        }
        return try await segment(name)
    }

    /// Every saved segment, by name.
    public func segments() async throws(LoyaltyError) -> [SegmentRecord] {
        try await run {
            let rows = try await client.query(
                "select name, description, filter::text, created_by, created_at, updated_at from segments order by name", logger: logger)
            return try await Self.segmentRecords(rows)
        }
    }

    /// The segment called `name`, or `NOT_FOUND`.
    public func segment(_ name: SegmentName) async throws(LoyaltyError) -> SegmentRecord {
        let found = try await run {
            let rows = try await client.query(
                "select name, description, filter::text, created_by, created_at, updated_at from segments where name = \(name.value)",
                logger: logger)
            return try await Self.segmentRecords(rows)
        }
        guard let segment = found.first else { throw LoyaltyError(.notFound, "no segment \(name)") }
        return segment
    }

    /// Deletes a segment (members are not touched). Audited.
    public func deleteSegment(_ name: SegmentName, actor: String) async throws(LoyaltyError) {
        try await run {
            let rows = try await client.query(
                """
                with deleted as (delete from segments where name = \(name.value) returning filter),
                audited as (
                    insert into audit_log (actor, action, subject, details)
                    select \(actor), 'segment.delete', \(name.value), jsonb_build_object('filter', filter) from deleted
                )
                select count(*) from deleted
                """,
                logger: logger)
            var deleted = 0
            for try await count in rows.decode(Int.self) { deleted = count }
            guard deleted == 1 else { throw LoyaltyError(.notFound, "no segment \(name)") }
        }
    }

    /// How many members `filter` selects now, and how many of them each channel reaches.
    public func countSegment(_ filter: SegmentFilter) async throws(LoyaltyError) -> SegmentCount {
        let (json, zone, lapse) = try await segmentArguments(filter)
        return try await run {
            let rows = try await client.query(
                """
                select count(*), count(*) filter (where m.status = 'closed'),
                       count(*) filter (where m.status = 'active' and m.email_consent and m.email is not null),
                       count(*) filter (where m.status = 'active' and m.sms_consent and m.phone is not null)
                  from loyalty_segment_members(\(json)::jsonb, loyalty_local_date(\(zone)), \(lapse)::jsonb) s
                  join members m on m.id = s.member_id
                """,
                logger: logger)
            var count = SegmentCount(members: 0, closed: 0, emailReachable: 0, smsReachable: 0)
            for try await (members, closed, email, sms) in rows.decode((Int64, Int64, Int64, Int64).self) {
                count = SegmentCount(members: members, closed: closed, emailReachable: email, smsReachable: sms)
            }
            return count
        }
    }

    /// Streams the members of `filter` that `channel` may reach to `row`, in member-number order: active
    /// members who consented to the channel and have an address for it. The others are counted by reason.
    /// The export is audited (who, which segment, how many), since personal data leaves the system.
    public func exportSegment(
        _ filter: SegmentFilter, name: String, channel: ContactChannel, actor: String,
        row: (SegmentExportRow) async throws -> Void
    ) async throws(LoyaltyError) -> SegmentExportSummary {
        let (json, zone, lapse) = try await segmentArguments(filter)
        let byEmail = channel == .email
        return try await run {
            let rows = try await client.query(
                """
                select m.number, m.first_name, m.last_name, case when \(byEmail) then m.email else m.phone end,
                       s.tier, coalesce(a.balance, 0), to_char(x.last_purchase_on, 'YYYY-MM-DD'), x.rfm_segment, s.lapse_state,
                       case when m.status = 'closed' then 'closed'
                            when m.status = 'suspended' then 'suspended'
                            when not (case when \(byEmail) then m.email_consent else m.sms_consent end) then 'no consent'
                            when (case when \(byEmail) then m.email else m.phone end) is null then 'no address'
                       end
                  from loyalty_segment_members(\(json)::jsonb, loyalty_local_date(\(zone)), \(lapse)::jsonb) s
                  join members m on m.id = s.member_id
                  left join point_accounts a on a.member_id = m.id
                  left join member_purchase_metrics x on x.member_id = m.id
                 order by m.number
                """,
                logger: logger)
            var summary = SegmentExportSummary(exported: 0, leftOut: [:])
            for try await fields in rows.decode(
                (String, String, String, String?, String?, Int64, String?, String?, String, String?).self)
            {
                if let reason = fields.9 {
                    summary.leftOut[reason, default: 0] += 1
                    continue
                }
                try await row(
                    SegmentExportRow(
                        member: fields.0, firstName: fields.1, lastName: fields.2, address: fields.3 ?? "", tier: fields.4,
                        points: fields.5, lastPurchase: fields.6, rfmSegment: fields.7, lapseState: fields.8))
                summary.exported += 1
            }
            let details = try String(decoding: JSONEncoder().encode(summary), as: UTF8.self)
            try await client.query(
                """
                insert into audit_log (actor, action, subject, details)
                values (\(actor), 'segment.export', \(name),
                        jsonb_build_object('channel', \(channel.rawValue), 'filter', \(json)::jsonb) || \(details)::jsonb)
                """,
                logger: logger)
            return summary
        }
    }

    /// The active members `filter` selects, by member number: the recipients of a reward grant.
    public func segmentMemberNumbers(_ filter: SegmentFilter) async throws(LoyaltyError) -> [MemberNumber] {
        let (json, zone, lapse) = try await segmentArguments(filter)
        return try await run {
            let rows = try await client.query(
                """
                select m.number
                  from loyalty_segment_members(\(json)::jsonb, loyalty_local_date(\(zone)), \(lapse)::jsonb) s
                  join members m on m.id = s.member_id
                 where m.status = 'active'
                 order by m.number
                """,
                logger: logger)
            var numbers: [MemberNumber] = []
            for try await number in rows.decode(String.self) { numbers.append(try MemberNumber(parsing: number)) }
            return numbers
        }
    }

    /// What `loyalty_segment_members` takes for `filter` (its JSON, the time zone of "today", the lapse rule),
    /// once the queued members' new purchases are folded in, so that the segment is evaluated on current figures.
    private func segmentArguments(_ filter: SegmentFilter) async throws(LoyaltyError) -> (String, String, String) {
        let json = try Self.filterJSON(filter)
        try await refreshPurchaseMetrics()
        return (json, rules.timeZone, lapseJSON)
    }

    static func filterJSON(_ filter: SegmentFilter) throws(LoyaltyError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(filter), as: UTF8.self)
        } catch {
            throw LoyaltyError(.badArgument, "the segment filter cannot be encoded: \(error)")
        }
    }

    private func checkTiers(_ codes: [String]) async throws(LoyaltyError) {
        guard !codes.isEmpty else { return }
        let unknown = try await run {
            let rows = try await client.query(
                "select code from unnest(\(codes)::text[]) code where not exists (select 1 from tiers t where t.code = code.code)",
                logger: logger)
            var unknown: [String] = []
            for try await code in rows.decode(String.self) { unknown.append(code) }
            return unknown
        }
        guard unknown.isEmpty else {
            throw LoyaltyError(.badArgument, "no tier \(unknown.joined(separator: ", ")); see `loyalty tier list`")
        }
    }

    private static func segmentRecords(_ rows: PostgresRowSequence) async throws -> [SegmentRecord] {
        var records: [SegmentRecord] = []
        for try await (name, description, filter, createdBy, createdAt, updatedAt) in rows.decode(
            (String, String, String, String, Date, Date).self)
        {
            let decoded = try JSONDecoder().decode(SegmentFilter.self, from: Data(filter.utf8))
            records.append(
                SegmentRecord(name: name, description: description, filter: decoded, createdBy: createdBy, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}

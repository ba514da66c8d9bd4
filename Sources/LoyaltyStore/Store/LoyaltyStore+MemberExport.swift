import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Streams the members `filter` selects (as `loyalty_segment_members` does for segments) to `row`, in
    /// member-number order: open members, and closed ones too with `includeClosed`. Erased members carry no
    /// personal data. Audited (who, the filter, how many), since personal data leaves the system. Returns the
    /// number of rows.
    public func exportMembers(
        _ filter: SegmentFilter, includeClosed: Bool, actor: String, row: (MemberExportRow) async throws -> Void
    ) async throws(LoyaltyError) -> Int64 {
        let json = try Self.filterJSON(filter)
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        let lapse = lapseJSON
        return try await run {
            let rows = try await client.query(
                """
                select m.number, case when m.erased_at is not null then 'erased' else m.status end,
                       k.m ->> 'first_name', k.m ->> 'last_name', k.m ->> 'email', k.m ->> 'phone', k.m ->> 'birth_date',
                       k.m ->> 'address_line1', k.m ->> 'address_line2', k.m ->> 'postal_code', k.m ->> 'city',
                       k.m ->> 'country', k.m ->> 'preferred_store', k.m ->> 'source_channel', k.m ->> 'source_campaign',
                       k.m ->> 'external_id', (k.m ->> 'email_consent')::boolean,
                       to_char((k.m ->> 'email_consent_at')::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       (k.m ->> 'sms_consent')::boolean,
                       to_char((k.m ->> 'sms_consent_at')::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       case when m.erased_at is null then m.tags else '{}' end, coalesce(a.balance, 0), s.tier,
                       to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       to_char((k.m ->> 'updated_at')::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                  from loyalty_segment_members(\(json)::jsonb, loyalty_local_date(\(zone)), \(lapse)::jsonb) s
                  join members m on m.id = s.member_id
                  left join point_accounts a on a.member_id = m.id
                  -- An erased member's personal columns are not read at all.
                  cross join lateral (select case when m.erased_at is null then to_jsonb(m) else '{}'::jsonb end as m) k
                 where \(includeClosed) or m.status <> 'closed'
                 order by m.number
                """,
                logger: logger)
            var count: Int64 = 0
            for try await fields in rows {
                let cells = fields.makeRandomAccess()
                func text(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
                try await row(
                    MemberExportRow(
                        member: try cells[0].decode(String.self), status: try cells[1].decode(String.self),
                        firstName: try text(2), lastName: try text(3), email: try text(4), phone: try text(5),
                        birthDate: try text(6), addressLine1: try text(7), addressLine2: try text(8), postalCode: try text(9),
                        city: try text(10), country: try text(11), preferredStore: try text(12), sourceChannel: try text(13),
                        sourceCampaign: try text(14), externalID: try text(15), emailConsent: try cells[16].decode(Bool?.self),
                        emailConsentAt: try text(17), smsConsent: try cells[18].decode(Bool?.self), smsConsentAt: try text(19),
                        tags: try cells[20].decode([String].self), points: try cells[21].decode(Int64.self), tier: try text(22),
                        createdAt: try cells[23].decode(String.self), updatedAt: try text(24)))
                count += 1
            }
            try await client.query(
                """
                insert into audit_log (actor, action, subject, details)
                values (\(actor), 'member.export', null,
                        jsonb_build_object('filter', \(json)::jsonb, 'include_closed', \(includeClosed), 'members', \(count)::int8))
                """,
                logger: logger)
            return count
        }
    }
}

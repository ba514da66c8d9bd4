import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The audit log's entries that match `query`, newest first. Reads only; reading is not itself audited.
    public func auditEntries(_ query: AuditQuery) async throws(LoyaltyError) -> [AuditEntry] {
        let (sinceDay, sinceInstant) = Self.split(query.since)
        let (untilDay, untilInstant) = Self.split(query.until)
        let zone = rules.timeZone
        return try await run {
            let rows = try await client.query(
                """
                select id, at, actor, db_user, action, subject, details::text from audit_log
                 where (\(sinceInstant)::timestamptz is null or at >= \(sinceInstant)::timestamptz)
                   and (\(sinceDay)::date is null or at >= (\(sinceDay)::date)::timestamp at time zone \(zone))
                   and (\(untilInstant)::timestamptz is null or at <= \(untilInstant)::timestamptz)
                   and (\(untilDay)::date is null or at < (\(untilDay)::date + 1)::timestamp at time zone \(zone))
                   and (\(query.actor)::text is null or actor = \(query.actor)::text)
                   and (\(query.action)::text is null or action = \(query.action)::text
                        or left(action, length(\(query.action)::text) + 1) = \(query.action)::text || '.')
                   and (\(query.subject)::text is null or subject = \(query.subject)::text)
                 order by at desc, id desc
                 limit \(query.limit)
                """,
                logger: logger
            )
            var entries: [AuditEntry] = []
            let decoder = JSONDecoder()
            for try await (id, at, actor, user, action, subject, details) in rows.decode(
                (Int64, Date, String, String, String, String?, String).self)
            {
                let value = try decoder.decode(JSONValue.self, from: Data(details.utf8))
                entries.append(
                    AuditEntry(id: id, at: at, actor: actor, databaseUser: user, action: action, subject: subject, details: value))
            }
            return entries
        }
    }

    /// A bound as the two nullable parameters the query compares with: a day (ISO text) or an instant.
    private static func split(_ bound: AuditQuery.Bound?) -> (String?, Date?) {
        switch bound {
        case .day(let day): (day.description, nil)
        case .instant(let instant): (nil, instant)
        case nil: (nil, nil)
        }
    }
}

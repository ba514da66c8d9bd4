import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// A member's consent now and every recorded change of it, oldest first.
    public func consentHistory(_ member: MemberReference) async throws(LoyaltyError) -> ConsentHistory {
        try await run {
            let rows = try await client.query(
                """
                select m.number, m.email_consent, m.email_consent_at, m.sms_consent, m.sms_consent_at,
                       e.channel, e.granted, e.at, e.source, e.actor
                  from members m left join consent_events e on e.member_id = m.id
                 where m.id = loyalty_member_id(\(member.kind), \(member.value))
                 order by e.at, e.id
                """,
                logger: logger)
            var history: ConsentHistory?
            for try await (number, email, emailAt, sms, smsAt, channel, granted, at, source, actor) in rows.decode(
                (String, Bool, Date?, Bool, Date?, String?, Bool?, Date?, String?, String?).self)
            {
                if history == nil {
                    history = ConsentHistory(
                        member: number, email: Consent(granted: email, changedAt: emailAt),
                        sms: Consent(granted: sms, changedAt: smsAt), events: [])
                }
                if let channel = channel.flatMap(ContactChannel.init(rawValue:)), let granted, let at,
                    let source = source.flatMap(ConsentSource.init(rawValue:))
                {
                    history?.events.append(ConsentEvent(channel: channel, granted: granted, at: at, source: source, actor: actor))
                }
            }
            guard let history else { throw LoyaltyError(.notFound, "no such member") }
            return history
        }
    }

    /// Everything held about one member as one JSON document (the schema is in docs/privacy.md), and a
    /// `member.export-data` audit row, in one call of `loyalty_member_export`.
    public func exportMemberData(_ member: MemberReference, actor: String) async throws(LoyaltyError) -> String {
        try await run {
            let rows = try await client.query(
                "select jsonb_pretty(loyalty_member_export(\(actor), \(member.kind), \(member.value), \(rulesJSON)::jsonb))",
                logger: logger)
            for try await text in rows.decode(String.self) { return text }
            throw LoyaltyError(.internal, "no result")
        }
    }

    /// Erases a member's personal data, permanently, in one call of `loyalty_erase_member`: the record
    /// becomes anonymous and closed; ledger, purchases, gift cards and figures are kept. Audited with the
    /// reason and the kinds of data removed. A member erased before refuses with `MEMBER_ERASED`.
    public func eraseMember(_ member: MemberReference, reason: String, actor: String) async throws(LoyaltyError) -> ErasureResult {
        try await run {
            let rows = try await client.query(
                "select loyalty_erase_member(\(actor), \(member.kind), \(member.value), \(reason))::text", logger: logger)
            for try await text in rows.decode(String.self) {
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                return try decoder.decode(ErasureResult.self, from: Data(text.utf8))
            }
            throw LoyaltyError(.internal, "no result")
        }
    }

    /// The retention job: erases the members closed longer than `period`, `batchSize` per transaction
    /// (oldest closure first), until none is left, and writes one `job.retention` audit row for the run
    /// (each erasure also writes its own `member.erase` row). Concurrent runs skip the members the other
    /// has locked, so nobody is erased twice. A dry run only counts them and writes nothing.
    public func runRetention(period: RetentionPeriod, actor: String, dryRun: Bool = false, batchSize: Int = 500)
        async throws(LoyaltyError) -> RetentionRun
    {
        guard (1...10_000).contains(batchSize) else { throw .badArgument("batch-size", "must be 1...10000") }
        if dryRun {
            let due = try await run {
                let rows = try await client.query("select loyalty_retention_candidates(\(period.days)::int)", logger: logger)
                for try await count in rows.decode(Int64.self) { return Int(count) }
                return 0
            }
            return RetentionRun(retentionDays: period.days, erased: due, dryRun: true)
        }
        var erased = 0
        while true {
            let batch = try await run {
                let rows = try await client.query(
                    "select loyalty_retention_erase(\(actor), \(period.days)::int, \(batchSize)::int)", logger: logger)
                for try await count in rows.decode(Int32.self) { return Int(count) }
                return 0
            }
            erased += batch
            if batch < batchSize { break }
        }
        try await run {
            try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.retention',
                        jsonb_build_object('erased', \(erased)::int, 'retention_days', \(period.days)::int))
                """,
                logger: logger)
        }
        return RetentionRun(retentionDays: period.days, erased: erased, dryRun: false)
    }
}

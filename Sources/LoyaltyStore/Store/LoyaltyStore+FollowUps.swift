import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Adds a follow-up for a member who is not closed, due on a day not before today (in the programme's
    /// time zone); `interaction` must be one of the member's. Audited (`followup.add`).
    public func addFollowUp(
        _ member: MemberReference, due: DueDate, owner: String, title: String, interaction: Int64? = nil, actor: String
    ) async throws(LoyaltyError) -> FollowUpRecord {
        let (day, days): (String?, Int?) =
            switch due {
            case .on(let date): (date.description, nil)
            case .daysFromToday(let days): (nil, days)
            }
        let id: Int64 = try await run {
            let rows = try await client.query(
                """
                select loyalty_add_followup(\(actor), \(member.kind), \(member.value), \(day)::date, \(days)::int,
                                            \(rules.timeZone), \(owner), \(title), \(interaction)::bigint)
                """,
                logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw LoyaltyError(.internal, "no follow-up recorded")
        }
        return try await followUp(id)
    }

    /// Marks a follow-up done (stamps the time and `actor`); a second time is refused with `BAD_ARGUMENT`.
    /// Audited (`followup.done`).
    public func completeFollowUp(_ id: Int64, actor: String) async throws(LoyaltyError) -> FollowUpRecord {
        try await run {
            // A refusal arrives with the result: read it.
            let rows = try await client.query("select loyalty_followup_done(\(actor), \(id))", logger: logger)
            for try await _ in rows {}
        }
        return try await followUp(id)
    }

    /// One follow-up, or `NOT_FOUND`.
    public func followUp(_ id: Int64) async throws(LoyaltyError) -> FollowUpRecord {
        let found = try await run {
            try await followUpRecords(
                client.query(
                    """
                    \(unescaped: Self.followUpSelect)
                     cross join (select loyalty_local_date(\(rules.timeZone)) as d) today
                     where f.id = \(id)
                    """,
                    logger: logger))
        }
        guard let record = found.first else { throw LoyaltyError(.notFound, "no follow-up \(id)") }
        return record
    }

    /// The follow-ups `query` selects: open ones soonest due first, done ones most recently done first.
    public func followUps(_ query: FollowUpQuery) async throws(LoyaltyError) -> [FollowUpRecord] {
        let memberKind = query.member?.kind
        let memberValue = query.member?.value
        return try await run {
            try await followUpRecords(
                client.query(
                    """
                    \(unescaped: Self.followUpSelect)
                     cross join (select loyalty_local_date(\(rules.timeZone)) as d) today
                     where (f.done_at is not null) = \(query.done)
                       and (\(query.window.lastDay)::int is null or f.due_on <= today.d + \(query.window.lastDay)::int)
                       and (\(query.owner)::text is null or f.owner = \(query.owner)::text)
                       and (\(memberKind)::text is null or f.member_id = loyalty_member_id(\(memberKind)::text, \(memberValue)::text))
                     order by case when \(query.done) then f.done_at end desc, f.due_on, f.id
                     limit \(query.limit)
                    """,
                    logger: logger))
        }
    }

    /// Followed by `cross join (select loyalty_local_date(zone) as d) today`, which `overdue` compares with.
    static let followUpSelect = """
        select f.id, m.number, f.interaction_id, to_char(f.due_on, 'YYYY-MM-DD'), f.owner, f.title, f.created_by, f.created_at,
               f.done_at, f.done_by, f.done_at is null and f.due_on < today.d
          from followups f join members m on m.id = f.member_id
        """

    func followUpRecords(_ rows: PostgresRowSequence) async throws -> [FollowUpRecord] {
        var records: [FollowUpRecord] = []
        for try await (id, member, interaction, due, owner, title, createdBy, createdAt, doneAt, doneBy, overdue) in rows.decode(
            (Int64, String, Int64?, String, String, String, String, Date, Date?, String?, Bool).self)
        {
            records.append(
                FollowUpRecord(
                    id: id, member: member, interaction: interaction, dueOn: due, owner: owner, title: title, createdBy: createdBy,
                    createdAt: createdAt, doneAt: doneAt, doneBy: doneBy, overdue: overdue))
        }
        return records
    }
}

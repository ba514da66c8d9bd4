import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Records an interaction of a member who is not closed (`MEMBER_INACTIVE` otherwise); complaints and
    /// service requests start open, owned by `owner` or the author. Audited (`interaction.add`, the fields
    /// given, never their text).
    public func addInteraction(_ member: MemberReference, _ interaction: NewInteraction, actor: String)
        async throws(LoyaltyError) -> InteractionRecord
    {
        let id: Int64 = try await run {
            let rows = try await client.query(
                """
                select loyalty_add_interaction(
                    \(actor), \(member.kind), \(member.value), \(interaction.kind.rawValue), \(interaction.channel.rawValue),
                    \(interaction.summary), \(interaction.body), \(interaction.owner), \(interaction.occurredAt)::timestamptz)
                """,
                logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw LoyaltyError(.internal, "no interaction recorded")
        }
        return try await self.interaction(id)
    }

    /// Changes the status or the owner of a complaint or service request (`BAD_ARGUMENT` for other
    /// kinds). Resolving stamps `resolvedAt`, reopening clears it. Audited (`interaction.update`).
    public func updateInteraction(_ id: Int64, status: CaseStatus?, owner: String?, actor: String)
        async throws(LoyaltyError) -> InteractionRecord
    {
        guard status != nil || owner != nil else { throw LoyaltyError(.missingArgument, "give --status or --owner") }
        try await run {
            // A refusal arrives with the result: read it.
            let rows = try await client.query(
                "select loyalty_update_interaction(\(actor), \(id), \(status?.rawValue), \(owner))", logger: logger)
            for try await _ in rows {}
        }
        return try await interaction(id)
    }

    /// One interaction, or `NOT_FOUND`.
    public func interaction(_ id: Int64) async throws(LoyaltyError) -> InteractionRecord {
        let found = try await run {
            try await Self.interactionRecords(
                client.query("\(unescaped: Self.interactionSelect) where i.id = \(id)", logger: logger))
        }
        guard let record = found.first else { throw LoyaltyError(.notFound, "no interaction \(id)") }
        return record
    }

    /// A member's interactions, newest first (also of a closed member).
    public func interactions(of member: MemberReference, kind: InteractionKind? = nil, limit: Int = 50)
        async throws(LoyaltyError) -> [InteractionRecord]
    {
        try await run {
            try await Self.interactionRecords(
                client.query(
                    """
                    \(unescaped: Self.interactionSelect)
                     where i.member_id = loyalty_member_id(\(member.kind), \(member.value))
                       and (\(kind?.rawValue)::text is null or i.kind = \(kind?.rawValue)::text)
                     order by i.occurred_at desc, i.id desc
                     limit \(limit)
                    """,
                    logger: logger))
        }
    }

    /// Unresolved complaints and service requests of all members, oldest first; with `owner`, only theirs.
    public func openCases(owner: String? = nil, limit: Int = 100) async throws(LoyaltyError) -> [InteractionRecord] {
        try await run {
            try await Self.interactionRecords(
                client.query(
                    """
                    \(unescaped: Self.interactionSelect)
                     where i.status in ('open', 'in-progress') and (\(owner)::text is null or i.owner = \(owner)::text)
                     order by i.occurred_at, i.id
                     limit \(limit)
                    """,
                    logger: logger))
        }
    }

    static let interactionSelect = """
        select i.id, m.number, i.kind, i.channel, i.author, i.occurred_at, i.summary, i.body, i.status, i.owner,
               i.resolved_at, i.created_at, i.updated_at
          from interactions i join members m on m.id = i.member_id
        """

    static func interactionRecords(_ rows: PostgresRowSequence) async throws -> [InteractionRecord] {
        var records: [InteractionRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let kind = try cells[2].decode(String.self)
            let channel = try cells[3].decode(String.self)
            let status = try cells[8].decode(String?.self)
            records.append(
                InteractionRecord(
                    id: try cells[0].decode(Int64.self), member: try cells[1].decode(String.self),
                    kind: InteractionKind(rawValue: kind) ?? .note, channel: InteractionChannel(rawValue: channel) ?? .other,
                    author: try cells[4].decode(String.self), occurredAt: try cells[5].decode(Date.self),
                    summary: try cells[6].decode(String.self), body: try cells[7].decode(String.self),
                    status: status.flatMap(CaseStatus.init(rawValue:)), owner: try cells[9].decode(String?.self),
                    resolvedAt: try cells[10].decode(Date?.self), createdAt: try cells[11].decode(Date.self),
                    updatedAt: try cells[12].decode(Date.self)))
        }
        return records
    }
}

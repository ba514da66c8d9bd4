import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Creates a member with a new card number and an empty point account.
    ///
    /// A till's fingerprint of an ENROLL names the person (names, email, phone, birth date), so it is keyed
    /// with the installation key before it is stored, as USE's is: the stored hash then cannot be matched
    /// against guessed details, and it outlives an erasure harmlessly. A till's ENROLL therefore needs the
    /// key (`CONFIGURATION` without it); an administrator's has no fingerprint.
    public func enroll(_ member: NewMember, origin: Origin) async throws(LoyaltyError) -> EnrollResult {
        var origin = origin
        if case .terminal(let terminal, let request, let fingerprint) = origin {
            origin = .terminal(id: terminal, request: request, fingerprint: try requireKey().keyedFingerprint(fingerprint, verb: "ENROLL"))
        }
        return try await runIdempotent {
            try await decodeJSON(
                EnrollResult.self,
                from: client.query(
                    """
                    select loyalty_enroll_from_source(
                        \(member.source?.value), \(origin.terminalID), \(origin.requestID), \(origin.fingerprint), \(origin.adminActor),
                        \(member.firstName), \(member.lastName), \(member.email?.value), \(member.phone?.e164),
                        \(member.birthDate?.description)::date, \(member.emailConsent), \(member.smsConsent),
                        \(member.address.line1), \(member.address.line2), \(member.address.postalCode),
                        \(member.address.city), \(member.address.country), \(member.preferredStore),
                        \(member.sourceChannel), \(member.sourceCampaign), \(member.externalID), \(member.tags)
                    )::text
                    """,
                    logger: logger
                )
            )
        }
    }

    /// The till's view of a member. `terminal` makes a revoked terminal fail here too.
    public func memberCard(_ member: MemberReference, terminal: Int64?) async throws(LoyaltyError) -> MemberCard {
        try await run {
            let rows = try await client.execute(
                MemberCardStatement(terminal: terminal, memberKind: member.kind, memberValue: member.value, rules: rulesJSON),
                logger: logger)
            for try await (number, first, last, status, points, pending, spendable, since, tier, nextTier, toNext) in rows {
                return MemberCard(
                    number: number, firstName: first, lastName: last, status: MemberStatus(rawValue: status) ?? .closed,
                    points: points, pending: pending, spendable: spendable, since: since, tier: tier,
                    nextTier: nextTier, toNext: toNext)
            }
            throw LoyaltyError(.notFound, "no such member")
        }
    }

    /// The full record, for administrators.
    public func member(_ member: MemberReference) async throws(LoyaltyError) -> MemberRecord {
        try await run {
            let rows = try await client.query(
                "\(unescaped: Self.memberRecordSelect) where m.id = loyalty_member_id(\(member.kind), \(member.value))",
                logger: logger
            )
            guard let record = try await Self.memberRecords(from: rows).first else {
                throw LoyaltyError(.notFound, "no such member")
            }
            return record
        }
    }

    /// Members whose last or first name starts with `prefix` (case-insensitive), closed ones last.
    public func findMembers(namePrefix prefix: String, limit: Int) async throws(LoyaltyError) -> [MemberRecord] {
        let pattern = Self.likePrefix(prefix.lowercased())
        return try await run {
            let rows = try await client.query(
                """
                \(unescaped: Self.memberRecordSelect)
                 where lower(m.last_name) like \(pattern) or lower(m.first_name) like \(pattern)
                 order by m.status = 'closed', lower(m.last_name), lower(m.first_name), m.number
                 limit \(limit)
                """,
                logger: logger
            )
            return try await Self.memberRecords(from: rows)
        }
    }

    /// Applies changes to a member's record and audits them, in one call of `loyalty_update_member`
    /// (which declares the administrator as the origin of any consent change, and names in the audit log
    /// the fields whose values changed). An erased member refuses
    /// with `MEMBER_ERASED`, a closed one with `MEMBER_INACTIVE`.
    public func updateMember(_ member: MemberReference, _ update: MemberUpdate, actor: String) async throws(LoyaltyError) -> MemberRecord {
        guard !update.isEmpty else { throw LoyaltyError(.missingArgument, "nothing to update") }
        try await run {
            // A refusal raised by the function arrives with the rows, so they are read.
            let rows = try await client.query(
                """
                select loyalty_update_member(\(actor), \(member.kind), \(member.value), \(update.databaseChanges)::jsonb,
                                             \(update.addTags)::text[], \(update.removeTags)::text[])
                """,
                logger: logger
            )
            for try await _ in rows {}
        }
        return try await self.member(member)
    }

    /// Suspends, reactivates or closes a member. Closing is final and frees the email and phone.
    public func setMemberStatus(_ member: MemberReference, to status: MemberStatus, reason: String?, actor: String)
        async throws(LoyaltyError) -> MemberRecord
    {
        let allowedFrom: [String] =
            switch status {
            case .active: ["suspended"]
            case .suspended: ["active"]
            case .closed: ["active", "suspended"]
            }
        let changed: String? = try await run {
            let rows = try await client.query(
                """
                with changed as (
                    update members set status = \(status.rawValue), updated_at = now(),
                           closed_at = case when \(status.rawValue) = 'closed' then now() end
                     where id = loyalty_member_id(\(member.kind), \(member.value)) and status = any(\(allowedFrom)::text[])
                    returning number
                ), audit as (
                    insert into audit_log (actor, action, subject, details)
                    select \(actor), 'member.' || \(status.auditVerb), number,
                           jsonb_strip_nulls(jsonb_build_object('reason', \(reason)::text)) from changed
                )
                select number from changed
                """,
                logger: logger
            )
            for try await number in rows.decode(String.self) { return number }
            return nil
        }
        let record = try await self.member(member)
        if changed == nil, record.erasedAt != nil {
            throw LoyaltyError(.memberErased, "member was erased; the record cannot be changed")
        }
        guard changed != nil else {
            throw LoyaltyError(.badArgument, "member is \(record.status.rawValue); cannot \(status.auditVerb)")
        }
        return record
    }

    static let memberRecordSelect = """
        select m.number, m.first_name, m.last_name, m.email, m.phone, m.birth_date::text,
               m.address_line1, m.address_line2, m.postal_code, m.city, m.country, m.preferred_store,
               m.source_channel, m.source_campaign, m.external_id, m.email_consent, m.email_consent_at,
               m.sms_consent, m.sms_consent_at, m.tags, m.status, a.balance, m.created_at, m.updated_at, m.closed_at,
               (select s.code from acquisition_sources s where s.id = m.source_id), m.erased_at
          from members m join point_accounts a on a.member_id = m.id
        """

    static func memberRecords(from rows: PostgresRowSequence) async throws -> [MemberRecord] {
        var records: [MemberRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            records.append(
                MemberRecord(
                    number: try cells[0].decode(String.self),
                    firstName: try cells[1].decode(String.self),
                    lastName: try cells[2].decode(String.self),
                    email: try cells[3].decode(String?.self),
                    phone: try cells[4].decode(String?.self),
                    birthDate: try cells[5].decode(String?.self),
                    addressLine1: try cells[6].decode(String?.self),
                    addressLine2: try cells[7].decode(String?.self),
                    postalCode: try cells[8].decode(String?.self),
                    city: try cells[9].decode(String?.self),
                    country: try cells[10].decode(String?.self),
                    preferredStore: try cells[11].decode(String?.self),
                    sourceChannel: try cells[12].decode(String?.self),
                    sourceCampaign: try cells[13].decode(String?.self),
                    externalID: try cells[14].decode(String?.self),
                    emailConsent: try cells[15].decode(Bool.self),
                    emailConsentAt: try cells[16].decode(Date?.self),
                    smsConsent: try cells[17].decode(Bool.self),
                    smsConsentAt: try cells[18].decode(Date?.self),
                    tags: try cells[19].decode([String].self),
                    status: MemberStatus(rawValue: try cells[20].decode(String.self)) ?? .closed,
                    points: try cells[21].decode(Int64.self),
                    createdAt: try cells[22].decode(Date.self),
                    updatedAt: try cells[23].decode(Date.self),
                    closedAt: try cells[24].decode(Date?.self),
                    acquisitionSource: try cells[25].decode(String?.self),
                    erasedAt: try cells[26].decode(Date?.self)
                ))
        }
        return records
    }

    /// A LIKE pattern matching values that start with `prefix`, with LIKE's wildcards escaped.
    static func likePrefix(_ prefix: String) -> String {
        var escaped = ""
        for character in prefix {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}

extension MemberStatus {
    var auditVerb: String {
        switch self {
        case .active: "activate"
        case .suspended: "suspend"
        case .closed: "close"
        }
    }
}

import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Merges `other` into `keep` in one transaction (`loyalty_merge_members`): points are transferred as a
    /// pair of ledger entries, purchases, gift-card links, interactions, follow-ups and campaign entries
    /// move, blank fields are filled, the better tier is kept, and `other` is closed with its number
    /// resolving to `keep` from now on. Audited.
    public func mergeMembers(keep: MemberReference, other: MemberReference, reason: String, actor: String)
        async throws(LoyaltyError) -> MemberMergeResult
    {
        try await run {
            try await decodeJSON(
                MemberMergeResult.self,
                from: client.query(
                    """
                    select loyalty_merge_members(\(actor), \(keep.kind), \(keep.value), \(other.kind), \(other.value),
                                                 \(reason))::text
                    """,
                    logger: logger))
        }
    }

    /// Likely duplicates among open members, best first (`loyalty_member_duplicates`); with `member`, only
    /// the pairs that include that member.
    public func memberDuplicates(minimumScore: Int, limit: Int, member: MemberReference?)
        async throws(LoyaltyError) -> [DuplicateCandidate]
    {
        try await run {
            let rows = try await client.query(
                """
                with target as (
                    select case when \(member?.kind)::text is null then null
                                else loyalty_member_id(\(member?.kind)::text, \(member?.value)::text) end as id
                ), pairs as (
                    select d.* from target, loyalty_member_duplicates(\(minimumScore)::int, \(limit)::int, target.id) d
                )
                select p.score, p.reasons,
                       a.number, a.first_name, a.last_name, a.email, a.phone, a.birth_date::text, a.postal_code,
                       aa.balance, a.created_at,
                       b.number, b.first_name, b.last_name, b.email, b.phone, b.birth_date::text, b.postal_code,
                       ba.balance, b.created_at
                  from pairs p
                  join members a on a.id = p.first_id join point_accounts aa on aa.member_id = a.id
                  join members b on b.id = p.second_id join point_accounts ba on ba.member_id = b.id
                 order by p.score desc, least(a.created_at, b.created_at), a.number, b.number
                """,
                logger: logger)
            var candidates: [DuplicateCandidate] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                func side(_ offset: Int) throws -> DuplicateCandidate.Side {
                    DuplicateCandidate.Side(
                        number: try cells[offset].decode(String.self), firstName: try cells[offset + 1].decode(String.self),
                        lastName: try cells[offset + 2].decode(String.self), email: try cells[offset + 3].decode(String?.self),
                        phone: try cells[offset + 4].decode(String?.self), birthDate: try cells[offset + 5].decode(String?.self),
                        postalCode: try cells[offset + 6].decode(String?.self), points: try cells[offset + 7].decode(Int64.self),
                        createdAt: try cells[offset + 8].decode(Date.self))
                }
                let (a, b) = (try side(2), try side(11))
                // The record enrolled first is shown first: it is the one a person usually keeps.
                let (first, second) = a.createdAt <= b.createdAt ? (a, b) : (b, a)
                candidates.append(
                    DuplicateCandidate(
                        score: try cells[0].decode(Int.self), reasons: try cells[1].decode([String].self), first: first,
                        second: second))
            }
            return candidates
        }
    }
}

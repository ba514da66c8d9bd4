import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// What `member show` shows beyond the record, in one call (`loyalty_member_overview`): spendable and
    /// pending points, the last 5 purchases, open complaints and service requests, open follow-ups due
    /// within 7 days, and the interactions counted.
    public func memberOverview(_ member: MemberReference) async throws(LoyaltyError) -> MemberOverview {
        let text: String = try await run {
            let rows = try await client.query(
                "select loyalty_member_overview(\(member.kind), \(member.value), \(rules.timeZone))::text", logger: logger)
            for try await text in rows.decode(String.self) { return text }
            throw LoyaltyError(.notFound, "no such member")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(MemberOverview.self, from: Data(text.utf8))
        } catch {
            logger.error("member overview not understood", metadata: ["error": "\(error)"])
            throw LoyaltyError(.internal, "internal error")
        }
    }
}

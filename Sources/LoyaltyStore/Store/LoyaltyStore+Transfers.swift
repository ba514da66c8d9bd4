import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Moves `points` spendable points from one active member to another in one transaction
    /// (`loyalty_transfer_points`, `sql/migrations/0025_point_transfers.sql`): a `transfer` entry takes them
    /// off the sender (spendable lots, soonest to expire first, as a redemption), and the receiver gets them
    /// with the same expiry dates, never later. Audited as `points.transfer`.
    ///
    /// Refused, with nothing written: `BAD_ARGUMENT` (the same member twice, points outside the programme's
    /// per-transfer limits), `NOT_FOUND`, `MEMBER_INACTIVE`, `INSUFFICIENT_POINTS` (fewer spendable points),
    /// `RATE_LIMITED` (the sender's 30-day allowance), `IDEMPOTENCY_CONFLICT` (the request id was used for
    /// another transfer).
    /// - Parameter requestID: makes the call safe to retry: the same id and the same transfer returns the
    ///   stored outcome (`replayed`) and moves nothing again.
    public func transferPoints(
        from sender: MemberReference, to receiver: MemberReference, points: Int64, note: String?,
        requestID: RequestID?, actor: String
    ) async throws(LoyaltyError) -> PointTransferResult {
        try await run {
            let rows = try await client.query(
                """
                select loyalty_transfer_points(\(actor), \(sender.kind), \(sender.value), \(receiver.kind), \(receiver.value),
                                               \(points), \(note), \(requestID?.value), \(rulesJSON)::jsonb)::text
                """,
                logger: logger)
            for try await text in rows.decode(String.self) {
                return try JSONDecoder().decode(PointTransferResult.self, from: Data(text.utf8))
            }
            throw LoyaltyError(.internal, "no result")
        }
    }
}

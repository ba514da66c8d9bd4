/// What `loyalty points transfer` did: the transfer, its ledger entries and both balances right after it
/// (`loyalty_transfer_result`). A retry with the same request id gets the same result, with `replayed`.
public struct PointTransferResult: Sendable, Hashable, Codable {
    /// Points the receiver got with one expiry date (nil: they never expire).
    public struct Lot: Sendable, Hashable, Codable {
        public var points: Int64
        /// UTC, ISO 8601 with seconds.
        public var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case points, expiresAt = "expires_at"
        }
    }

    /// The transfer's id (`point_transfers.id`).
    public var transfer: Int64
    /// The sender's member number.
    public var from: String
    /// The receiver's member number.
    public var to: String
    public var points: Int64
    public var note: String?
    /// When it was made: UTC, ISO 8601 with seconds.
    public var at: String
    /// The sender's ledger entry (negative) and the sender's balance after it.
    public var fromEntry: Int64
    public var fromPoints: Int64
    /// The receiver's ledger entries (one per expiry date) and the receiver's balance after them.
    public var toEntries: [Int64]
    public var toPoints: Int64
    /// What the receiver got, by expiry date, soonest first.
    public var lots: [Lot]
    public var requestID: String?
    /// True when this is the stored outcome of an earlier call with the same request id.
    public var replayed: Bool?

    enum CodingKeys: String, CodingKey {
        case transfer, from, to, points, note, at, fromEntry = "from_entry", fromPoints = "from_points"
        case toEntries = "to_entries", toPoints = "to_points", lots, requestID = "request_id", replayed
    }
}

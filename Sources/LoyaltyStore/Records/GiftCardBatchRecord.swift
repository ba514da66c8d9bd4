import Foundation

/// A batch of gift cards with what became of its cards: the "issued versus activated" report. Amounts are
/// minor units of ``currency``.
public struct GiftCardBatchRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var currency: String
    /// Each card's value; nil for cards sold with the value the till chooses.
    public var amount: Int64?
    /// Cards issued, and cards activated (sold, or issued active).
    public var issued: Int64
    public var activated: Int64
    /// Money loaded onto the batch's cards: activations and top-ups.
    public var loaded: Int64
    /// Balances of the batch's cards that are neither closed nor past their last day.
    public var outstanding: Int64
    public var expires: String?
    public var pin: Bool
    /// Issued active (loaded at once) rather than printed for sale.
    public var issuedActive: Bool
    public var note: String?
    public var issuedBy: String
    public var issuedAt: Date
    public var voidedBy: String?
    public var voidedAt: Date?
    public var voidReason: String?

    enum CodingKeys: String, CodingKey {
        case id, currency, amount, issued, activated, loaded, outstanding, expires, pin, issuedActive = "issued_active", note
        case issuedBy = "issued_by", issuedAt = "issued_at", voidedBy = "voided_by", voidedAt = "voided_at"
        case voidReason = "void_reason"
    }
}

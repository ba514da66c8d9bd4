import Foundation

/// One entry of a gift card's ledger (`gift_card_activities`). Amounts are minor units of the card's currency.
public struct GiftCardActivityRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// `activate`, `load`, `redeem`, `refund`, `adjust`, `block`, `unblock`, `close`, `expire`, `hold`,
    /// `capture` or `release`.
    public var kind: String
    /// The change of the balance, and of the held amount.
    public var amount: Int64
    public var heldChange: Int64
    public var balanceAfter: Int64
    public var heldAfter: Int64
    /// Origin: a terminal (its name, store and request id), or an actor (administrator, job, `system`).
    public var terminal: String?
    public var store: String?
    public var request: String?
    public var actor: String?
    public var receipt: String?
    public var reason: String?
    /// capture and release: the hold they end.
    public var hold: Int64?
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, amount, heldChange = "held_change", balanceAfter = "balance_after", heldAfter = "held_after"
        case terminal, store, request, actor, receipt, reason, hold, at
    }
}

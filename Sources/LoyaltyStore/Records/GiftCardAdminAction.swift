/// What an administrator does to one gift card (`loyalty giftcard block|unblock|adjust|close`). Each needs
/// a reason and is audited.
public enum GiftCardAdminAction: Sendable, Hashable {
    /// Stops the card at the till until it is unblocked.
    case block
    /// Lets a blocked card be used again, and starts its count of wrong PINs again.
    case unblock
    /// Changes the balance by a signed amount of minor units (never below what is held).
    case adjust(Int64)
    /// Releases the holds and takes the balance off (cash-out or void). Final.
    case close

    /// The activity kind, as `loyalty_gift_card_admin` takes it.
    var kind: String {
        switch self {
        case .block: "block"
        case .unblock: "unblock"
        case .adjust: "adjust"
        case .close: "close"
        }
    }

    var amount: Int64? {
        if case .adjust(let amount) = self { return amount }
        return nil
    }
}

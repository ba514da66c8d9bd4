/// Which purchases of a member a promotion rewards, beyond its dates, stores and minimum spend.
public enum PromotionCondition: String, Sendable, Hashable, CaseIterable {
    /// Every purchase.
    case any
    /// The member's first purchase ever (a welcome bonus).
    case firstPurchase = "first-purchase"
    /// Purchases in the member's birthday month (programme time zone); members without a birth date never qualify.
    case birthdayMonth = "birthday-month"

    public init(parsing text: String) throws(LoyaltyError) {
        guard let condition = PromotionCondition(rawValue: text) else {
            throw .badArgument("condition", "must be any, first-purchase or birthday-month, got '\(text.prefix(20))'")
        }
        self = condition
    }
}

/// The business events the outbox records (migration 0024), by their `type` field.
public enum EventType {
    /// Every type, grouped by subject. A reader's filter names types exactly or by a prefix ending in a
    /// dot (`points.`).
    public static let all: [String] = [
        "member.enrolled", "member.updated", "member.merged", "member.erased", "member.lapsed",
        "points.earned", "points.redeemed", "points.reversed", "points.expired", "points.adjusted",
        "points.awarded", "points.merged", "points.expiring", "points.transferred",
        "tier.changed", "reward.claimed", "voucher.used",
        "gift_card.activated", "gift_card.loaded", "gift_card.redeemed", "gift_card.refunded",
        "gift_card.adjusted", "gift_card.blocked", "gift_card.unblocked", "gift_card.closed",
        "gift_card.expired", "gift_card.held", "gift_card.captured", "gift_card.released",
    ]

    /// The filter `text` (comma-separated types or prefixes), checked against the known types.
    public static func filter(parsing text: String) throws(LoyaltyError) -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingASCIIWhitespace() }
        var filter: [String] = []
        for name in names {
            let known = name.hasSuffix(".") ? all.contains { $0.hasPrefix(name) } : all.contains(name)
            guard !name.isEmpty, name.count <= 64, known else {
                throw .badArgument(
                    "type", "'\(name)' is no event type nor a prefix of one (like points.); the types: \(all.joined(separator: ", "))")
            }
            if !filter.contains(name) { filter.append(name) }
        }
        return filter
    }
}

import LoyaltyCore

/// Parsing shared by `source` and `campaign` commands.
enum CampaignArguments {
    /// `--cost` in `--currency`, else in `tracker.currency`; no cost is zero. `--currency` alone is refused.
    static func cost(_ amount: String?, currency: String?, default fallback: Currency) throws(LoyaltyError) -> Money? {
        switch (amount, currency) {
        case (nil, nil): return nil
        case (nil, _?): throw LoyaltyError.missingArgument("--cost (with --currency)")
        case (let amount?, let code):
            let currency = try code.map { code throws(LoyaltyError) in try Currency(code: code) } ?? fallback
            return try Money(parsing: amount, currency: currency, argument: "cost")
        }
    }

    /// An optional day, `YYYY-MM-DD`.
    static func day(_ text: String?, argument: String) throws(LoyaltyError) -> CalendarDate? {
        guard let text else { return nil }
        return try CalendarDate(parsing: text, argument: argument)
    }

    /// The CSV header of a campaign's send list.
    static func sendListHeader(_ channel: String) -> String {
        "member,first_name,last_name,\(channel == "sms" ? "phone" : "email"),contacted_at"
    }
}

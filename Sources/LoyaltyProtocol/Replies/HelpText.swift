/// The answer to `HELP`: one entry per verb with its arguments and what it does.
///
/// The server replies `.list([:], HelpText.entries)`. In `args`, `[x]` is optional, `a | b` is a choice,
/// and `member|phone|email` means exactly one of the three.
public enum HelpText {
    /// One `verb=… args=… about=…` entry per verb, in the order of the protocol document.
    public static let entries: [ReplyFields] = [
        entry("PING", "", "check the connection; replies with the server time"),
        entry("HEALTH", "", "check that the server reaches its database"),
        entry("HELP", "", "list the commands"),
        entry("QUIT", "", "close the connection"),
        entry("AUTH", "terminal secret [store]", "identify the terminal; required before member commands"),
        entry("MEMBER", "member|phone|email", "look a member up"),
        entry(
            "ENROLL", "req first_name last_name [email] [phone] [birth_date] [consent_email] [consent_sms]",
            "enrol a new member"),
        entry("BALANCE", "member|phone|email", "a member's points and status"),
        entry("HISTORY", "member|phone|email [limit]", "a member's latest ledger entries, newest first"),
        entry("EARN", "req member|phone|email (amount currency | points) [receipt]", "award points for a purchase"),
        entry("REDEEM", "req member|phone|email points [receipt]", "spend points"),
        entry("REVERSE", "req (of | entry) [amount currency | points]", "take back an earlier EARN, fully or in part"),
        entry("REWARDS", "member|phone|email", "the rewards a member can claim now"),
        entry("CLAIM", "req member|phone|email reward", "spend points on a reward; replies with a voucher code"),
        entry("VOUCHER", "code", "check a voucher: valid, used or expired"),
        entry("USE", "req code receipt", "use a voucher; each voucher is used once"),
        entry("GIFT BALANCE", "code [pin]", "a gift card's state, balance and available amount"),
        entry(
            "GIFT ACTIVATE", "req code [amount currency] [member|phone|email] [receipt]",
            "sell a printed gift card, loading its value"),
        entry("GIFT LOAD", "req code amount currency [receipt]", "top a gift card up"),
        entry(
            "GIFT REDEEM", "req code [pin] amount currency [partial] [receipt]",
            "pay with a gift card; partial=1 takes what it holds when that is less"),
        entry("GIFT REFUND", "req code amount currency [receipt]", "put money back onto a gift card after a return"),
        entry(
            "GIFT HOLD", "req code [pin] amount currency [partial] [receipt]",
            "set an amount of a gift card aside for a later capture (split tenders)"),
        entry("GIFT CAPTURE", "req code hold [amount currency] [receipt]", "take a held amount, or less; the rest is released"),
        entry("GIFT RELEASE", "req code hold", "give a held amount back to the gift card"),
    ]

    private static func entry(_ verb: String, _ arguments: String, _ about: String) -> ReplyFields {
        ["verb": verb, "args": arguments, "about": about]
    }
}

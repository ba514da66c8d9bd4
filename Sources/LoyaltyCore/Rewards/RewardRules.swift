/// How the programme issues reward vouchers (docs/programme.md, Rewards).
public struct RewardRules: Sendable, Hashable {
    /// A voucher is valid for this many days from the day it is issued (the issue day counts as day 0),
    /// but never beyond the last day of its reward's validity.
    public var voucherDays: Int

    public init(voucherDays: Int = 90) throws(LoyaltyError) {
        guard (1...3650).contains(voucherDays) else {
            throw .badArgument("rewards.voucher-days", "must be 1...3650 days")
        }
        self.voucherDays = voucherDays
    }

    /// Vouchers valid for 90 days.
    public static let standard = RewardRules(checkedVoucherDays: 90)

    private init(checkedVoucherDays: Int) {
        voucherDays = checkedVoucherDays
    }
}

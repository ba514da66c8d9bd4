import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty voucher list|show`: vouchers for administrators. Codes are never stored, so only their last
/// four characters are shown.
struct VoucherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucher", abstract: "Reward vouchers (codes show as their last four characters).",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A member's vouchers, newest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Member number, phone or email (required).") var member: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            guard let member else { throw LoyaltyError.missingArgument("--member") }
            let reference = try runtime.memberReference(member)
            let vouchers = try await runtime.withStore { store in try await store.vouchers(of: reference) }
            try runtime.output.list(
                columns: ["voucher", "reward", "status", "issued", "expires", "used", "receipt", "source"],
                rows: vouchers.map {
                    ["…" + $0.last4, $0.reward, $0.status, Dates.text($0.issuedAt), $0.expiresOn, $0.usedAt.map(Dates.text) ?? "",
                     $0.receipt ?? "", $0.source]
                },
                json: vouchers)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Look a voucher up by its code.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The voucher code (ABCD-EFGH-JKMN-P; case, spaces and dashes do not matter).") var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RedemptionCode(parsing: self.code)
            let voucher = try await runtime.withStore(installationKey: true) { store in try await store.voucher(code) }
            try runtime.output.record(
                [
                    ("voucher", "…" + voucher.last4), ("status", voucher.status), ("reward", voucher.reward),
                    ("reward name", voucher.rewardName), ("member", voucher.member), ("issued", Dates.text(voucher.issuedAt)),
                    ("expires", voucher.expiresOn), ("used", voucher.usedAt.map(Dates.text) ?? ""), ("receipt", voucher.receipt ?? ""),
                    ("terminal", voucher.usedBy ?? ""), ("source", voucher.source), ("grant reason", voucher.grantReason ?? ""),
                ],
                json: voucher)
        }
    }
}

import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty terminal rotate NAME [--grace 24h]` and `loyalty terminal rotate --finish NAME`.
struct TerminalRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Issue a new secret; the old one stays valid for a grace period (default 24h).",
        discussion: """
            During the grace period both secrets authenticate, so tills can be moved over one by one. After \
            it, or at once with --finish, the old secret is refused, also on connections opened with it.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Terminal name.") var name: String
    @Option(help: "How long the old secret stays valid: 90s, 30m, 24h, 7d (at most 30d); 0 refuses it at once.")
    var grace: String = "24h"
    @Flag(help: "End the running rotation's grace period now.") var finish = false

    func run() async throws {
        let name = try Identifier.parse(self.name, argument: "terminal")
        let grace = try Self.grace(self.grace)
        let runtime = try await CommandRuntime.make(options)
        if finish {
            let terminal = try await runtime.withStore { db in try await db.finishTerminalRotation(name: name, actor: runtime.actor) }
            try runtime.output.record(
                [("terminal", terminal.name), ("old secret", "refused from now on")],
                json: ["terminal": terminal.name, "rotation": "finished"])
            return
        }
        let (terminal, secret, expires) = try await runtime.withStore { db in
            try await db.rotateTerminal(name: name, grace: grace, actor: runtime.actor)
        }
        try runtime.output.record(
            [("terminal", terminal.name), ("secret", secret), ("old secret valid until", Dates.text(expires))],
            json: TerminalRotationJSON(terminal: terminal.name, secret: secret, oldSecretExpires: expires))
        runtime.output.message("The new secret is shown only now. Configure it on the terminal before the old one expires.")
    }

    /// `90s`, `30m`, `24h`, `7d` or `0`: at most 30 days.
    static func grace(_ text: String) throws(LoyaltyError) -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let error = LoyaltyError.badArgument("grace", "a duration like 90s, 30m, 24h or 7d (at most 30d), got '\(text)'")
        if text == "0" { return .zero }
        guard let unit = text.last, let factor = units[unit], let count = Int64(text.dropLast()), count >= 0,
            text.dropLast().allSatisfy(\.isASCII)
        else { throw error }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: factor)
        guard !overflow, seconds <= 30 * 86_400 else { throw error }
        return .seconds(seconds)
    }
}

struct TerminalRotationJSON: Encodable {
    let terminal: String
    let secret: String
    let oldSecretExpires: Date

    enum CodingKeys: String, CodingKey {
        case terminal, secret, oldSecretExpires = "old_secret_expires"
    }
}

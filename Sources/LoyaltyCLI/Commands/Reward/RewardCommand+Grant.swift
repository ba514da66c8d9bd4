#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

extension RewardCommand {
    /// `loyalty reward grant REWARD (--member M | --members FILE | --segment NAME) --reason TEXT [--out FILE]`.
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue vouchers for a reward without spending points; audited. Codes are shown once.",
            discussion: """
                --members names a file with one member number per line (the first column of a CSV; a header \
                line is optional). Lines without a valid member number, repeated members, unknown members and \
                members who are not active are reported on standard error with their line number and skipped. \
                --segment grants to the active members a saved segment selects today (`loyalty segment`). \
                The grant is one transaction: a retired or expired reward, or too little stock for every \
                voucher, grants nothing. The codes cannot be read back later: they are printed once, or with \
                --out written to a new file (mode 0600, CSV: member,code,expires,reward) before the grant commits.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Reward code.") var reward: String
        @Option(help: "One member: number, phone or email.") var member: String?
        @Option(help: "A file of member numbers, one per line (CSV, header optional).") var members: String?
        @Option(help: "A saved segment: its active members.") var segment: String?
        @Option(help: "Why (required; kept with each voucher and in the audit log).") var reason: String?
        @Option(help: "Write the codes to this new file (0600) instead of standard output.") var out: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reward = try RewardCode(parsing: self.reward)
            guard let reason else { throw LoyaltyError.missingArgument("--reason") }
            let text = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
            let out = self.out
            if let out, FileManager.default.fileExists(atPath: out) {
                throw LoyaltyError(.badArgument, "\(out) exists; the codes go to a new file only")
            }
            if let segment {
                guard member == nil, members == nil else {
                    throw LoyaltyError.badArgument("segment", "give one of --member, --members and --segment")
                }
                let name = try SegmentName(parsing: segment)
                let result = try await runtime.withStore(installationKey: true) { store in
                    let numbers = try await store.segmentMemberNumbers(try await store.segment(name).filter)
                    guard !numbers.isEmpty else {
                        throw LoyaltyError(.badArgument, "segment \(name) has no active member to grant to")
                    }
                    return try await Self.grant(
                        reward, numbers.map { GrantMemberList.Entry(line: 0, member: $0) }, text, out, runtime, store)
                }
                try Self.report(result, list: GrantMemberList(entries: [], problems: []), runtime: runtime, out: out)
                return
            }
            let list: GrantMemberList
            switch (member, members) {
            case (let one?, nil):
                list = GrantMemberList(entries: [], problems: [])
                let reference = try runtime.memberReference(one)
                let result = try await runtime.withStore(installationKey: true) { store in
                    let number = try MemberNumber(parsing: try await store.memberCard(reference, terminal: nil).number)
                    return try await Self.grant(reward, [GrantMemberList.Entry(line: 0, member: number)], text, out, runtime, store)
                }
                try Self.report(result, list: list, runtime: runtime, out: out)
            case (nil, let file?):
                list = try GrantMemberList.read(path: file)
                for problem in list.problems { runtime.output.warning("\(file): \(problem)") }
                guard !list.entries.isEmpty else {
                    throw LoyaltyError(.badArgument, "\(file): no member number to grant to")
                }
                let entries = list.entries
                let result = try await runtime.withStore(installationKey: true) { store in
                    try await Self.grant(reward, entries, text, out, runtime, store)
                }
                try Self.report(result, list: list, runtime: runtime, out: out, file: file)
            case (nil, nil):
                throw LoyaltyError.missingArgument("--member")
            case (_?, _?):
                throw LoyaltyError.badArgument("member", "give --member or --members, not both")
            }
        }

        /// Grants, and with `out` writes the codes to the new file before the grant commits (removing the
        /// file again if the grant then fails).
        static func grant(
            _ reward: RewardCode, _ entries: [GrantMemberList.Entry], _ reason: String, _ out: String?, _ runtime: CommandRuntime,
            _ store: LoyaltyStore
        ) async throws -> [GrantOutcome] {
            do {
                return try await store.grantVouchers(
                    reward, to: entries.map(\.member), reason: reason, actor: runtime.actor,
                    deliver: { outcomes in
                        if let out { try CodesFile.write(outcomes, reward: reward, to: out) }
                    })
            } catch {
                if let out, FileManager.default.fileExists(atPath: out) { unlink(out) }
                throw error
            }
        }

        static func report(
            _ outcomes: [GrantOutcome], list: GrantMemberList, runtime: CommandRuntime, out: String?, file: String? = nil
        ) throws {
            let lines = Dictionary(list.entries.map { ($0.member.digits, $0.line) }, uniquingKeysWith: { first, _ in first })
            var skipped = list.problems.count
            for outcome in outcomes {
                guard let reason = outcome.skipped else { continue }
                skipped += 1
                let place = file.map { "\($0): line \(lines[outcome.member] ?? 0): " } ?? ""
                runtime.output.warning("\(place)member \(outcome.member): \(reason); skipped")
            }
            let granted = outcomes.filter { $0.code != nil }
            if let out {
                runtime.output.message("Granted \(granted.count) voucher\(granted.count == 1 ? "" : "s"); the codes are in \(out).")
            } else {
                try runtime.output.list(
                    columns: ["member", "code", "expires"],
                    rows: granted.map { [$0.member, $0.code?.grouped ?? "", $0.expires ?? ""] },
                    json: granted.map { GrantJSON(member: $0.member, code: $0.code?.grouped ?? "", expires: $0.expires ?? "") })
                runtime.output.message("The codes are shown only now; they cannot be read back.")
            }
            if skipped > 0 { runtime.output.warning("\(skipped) line\(skipped == 1 ? "" : "s") skipped.") }
            if granted.isEmpty, !outcomes.isEmpty {
                throw LoyaltyError(.badArgument, "no voucher granted: every member was skipped")
            }
        }
    }
}

/// A voucher as `reward grant --format json` prints it.
struct GrantJSON: Encodable {
    let member: String
    let code: String
    let expires: String
}

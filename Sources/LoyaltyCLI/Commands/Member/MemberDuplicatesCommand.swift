import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member duplicates [--min-score N] [--limit N] [--member M]`: likely duplicates, best first.
struct MemberDuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates", abstract: "List likely duplicate members, scored 0-100.",
        discussion: """
            Open members are paired when they share an email (ignoring plus-addressing and Gmail dots: 60), the \
            last nine digits of a phone (40), a name (30; a similar name 20), a birth date (30) or an address \
            (postal code and first line: 30). The record enrolled first is shown first. Merge a pair with \
            `loyalty member merge KEEP OTHER --reason …`.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only pairs scoring at least this (1-100).") var minScore = 50
    @Option(help: "At most this many pairs (1-10000).") var limit = 100
    @Option(help: "Only the pairs that include this member (number, phone or email).") var member: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        guard (1...100).contains(minScore) else { throw LoyaltyError.badArgument("min-score", "1...100") }
        guard (1...10000).contains(limit) else { throw LoyaltyError.badArgument("limit", "1...10000") }
        let reference = try member.map { try runtime.memberReference($0) }
        let pairs = try await runtime.withStore { store in
            try await store.memberDuplicates(minimumScore: minScore, limit: limit, member: reference)
        }
        func name(_ side: DuplicateCandidate.Side) -> String { "\(side.firstName) \(side.lastName)" }
        try runtime.output.list(
            columns: ["score", "reasons", "member", "name", "email", "phone", "duplicate", "name", "email", "phone"],
            rows: pairs.map {
                [
                    String($0.score), $0.reasons.joined(separator: ", "), $0.first.number, name($0.first), $0.first.email ?? "",
                    $0.first.phone ?? "", $0.second.number, name($0.second), $0.second.email ?? "", $0.second.phone ?? "",
                ]
            },
            json: pairs)
    }
}

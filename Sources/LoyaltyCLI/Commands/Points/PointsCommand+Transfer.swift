import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension PointsCommand {
    /// `points transfer --from M --to M --points N [--note TEXT] [--request-id ID]`: spendable points from
    /// one member to another, within the programme's limits, in one transaction; audited.
    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Transfer spendable points from one active member to another (within the programme's limits).",
            discussion: """
                The points come off the sender's spendable points, soonest to expire first, as a redemption \
                would take them; pending and expired points cannot be transferred. The receiver can spend them \
                at once, and they keep their expiry date (a transfer never extends points' life). They do not \
                count as qualifying points for tiers and cannot be reversed as an earn. Limits: \
                points.transfer-min, points.transfer-max per transfer and points.transfer-max-30-days per \
                sender. With --request-id, a retry of the same transfer returns its outcome and moves nothing again.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The sender: member number, phone or email.") var from: String
        @Option(help: "The receiver: member number, phone or email.") var to: String
        @Option(help: "Points to transfer.") var points: String
        @Option(help: "Why (at most 200 characters; on both ledger entries and in the audit log).") var note: String?
        @Option(
            name: .customLong("request-id"),
            help: "An id of your choice (1-64 of A-Z a-z 0-9 - _ . :) that makes a retry safe.")
        var requestID: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let sender = try runtime.memberReference(from)
            let receiver = try runtime.memberReference(to)
            let points = try PointsQuantity.parse(self.points)
            let note = try self.note.map { try FieldRules.text($0, field: "note", maximumLength: 200) }.flatMap { $0.isEmpty ? nil : $0 }
            let requestID = try self.requestID.map { try RequestID(parsing: $0, argument: "request-id") }
            let result = try await runtime.withStore { store in
                try await store.transferPoints(
                    from: sender, to: receiver, points: points, note: note, requestID: requestID, actor: runtime.actor)
            }
            var fields = [
                ("transfer", String(result.transfer)), ("from", result.from), ("to", result.to),
                ("points", String(result.points)), ("from points", String(result.fromPoints)),
                ("to points", String(result.toPoints)), ("from entry", String(result.fromEntry)),
                ("to entries", result.toEntries.map(String.init).joined(separator: ", ")),
                ("expiry", result.lots.map(Self.lotText).joined(separator: ", ")),
                ("note", result.note ?? ""), ("at", result.at),
            ]
            if let id = result.requestID { fields.append(("request id", id)) }
            if result.replayed == true { fields.append(("replayed", "yes: this transfer was made before; nothing moved now")) }
            try runtime.output.record(fields, json: result)
        }

        /// `40 until 2027-11-23T10:00:00Z`, or `40 never` for points that do not expire.
        static func lotText(_ lot: PointTransferResult.Lot) -> String {
            "\(lot.points) " + (lot.expiresAt.map { "until \($0)" } ?? "never")
        }
    }
}

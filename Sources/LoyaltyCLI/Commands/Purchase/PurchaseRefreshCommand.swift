import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty purchase refresh [--all]`: brings the metrics of changed members up to date and rescores RFM.
struct PurchaseRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Refresh purchase metrics of members with new purchases, then rescore RFM.",
        discussion: """
            Every purchase queues its member; this recomputes the queued members only (reports, segments and \
            `purchase metrics` do the same before they read). Then RFM scores are recomputed over all customers. \
            --all recomputes every member: needed after changing programme.time-zone or tracker.currency. \
            `loyalty jobs run purchases` does the same on a schedule.
            """)
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Recompute every member with purchases, not only the changed ones.") var all = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let all = self.all
        let result = try await runtime.withStore { store in
            try await PurchaseJob.refresh(store, all: all)
        }
        try PurchaseJob.print(result, runtime: runtime)
    }
}

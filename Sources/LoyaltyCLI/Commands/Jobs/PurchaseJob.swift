import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run purchases`: the repeat-purchase tracker's daily job: metrics of changed members, then
/// RFM scores over all customers.
struct PurchaseJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchases", abstract: "Refresh purchase metrics of changed members and rescore RFM.",
        discussion: "Safe to run twice or concurrently (each member is taken off the queue once). See `purchase refresh`.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions

    /// What a run did.
    struct Result: Encodable {
        let refreshed: Int
        let scored: Int
    }

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let result = try await runtime.withJobLock("purchases", lock) { store in try await Self.refresh(store, all: false) }
        try Self.print(result, runtime: runtime)
    }

    static func refresh(_ store: LoyaltyStore, all: Bool) async throws -> Result {
        let refreshed = try await store.refreshPurchaseMetrics(all: all)
        let scored = try await store.scoreRFM()
        return Result(refreshed: refreshed, scored: scored)
    }

    static func print(_ result: Result, runtime: CommandRuntime) throws {
        try runtime.output.record(
            [("job", "purchases"), ("members refreshed", String(result.refreshed)), ("customers scored", String(result.scored))],
            json: result)
    }
}

import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run expiry`: writes an `expire` ledger entry for every member with points due to expire.
struct ExpiryJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiry",
        abstract: "Expire the points that are due under the programme's expiry policy.",
        discussion: """
            Points past their expiry date (lifetime policy) and the balances of inactive members (inactivity policy) \
            become one 'expire' entry per member. Running it again, or twice at once, expires nothing more.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let result = try await runtime.withJobLock("expiry", lock) { store in try await store.expirePoints(actor: runtime.actor) }
        try runtime.output.record(
            [("policy", runtime.settings.rules.points.expiry.policy), ("members", String(result.members)),
             ("points", String(result.points))],
            json: result)
    }
}

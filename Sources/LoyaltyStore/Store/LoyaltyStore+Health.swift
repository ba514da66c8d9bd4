import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// One trivial query: whether the database answers (the `HEALTH` verb, for probes).
    public func checkDatabase() async throws(LoyaltyError) {
        try await run {
            let rows = try await client.query("select 1", logger: logger)
            for try await _ in rows {}
        }
    }
}

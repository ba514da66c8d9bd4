import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Every invariant of the stores, re-derived from the append-only records (`loyalty_check()`), in one
    /// read-only statement and one snapshot. Changes nothing.
    public func consistencyCheck() async throws(LoyaltyError) -> [ConsistencyCheck] {
        try await run {
            let rows = try await client.query(
                "select name, inspected, violations, examples from loyalty_check()", logger: logger)
            var checks: [ConsistencyCheck] = []
            for try await (name, inspected, violations, examples) in rows.decode((String, Int64, Int64, [String]).self) {
                checks.append(ConsistencyCheck(name: name, inspected: inspected, violations: violations, examples: examples))
            }
            return checks
        }
    }
}

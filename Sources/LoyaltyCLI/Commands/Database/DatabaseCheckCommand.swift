import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension DatabaseCommand {
    /// `loyalty db check`: every invariant of the stores, read-only; one row per check, and a non-zero exit
    /// (`Error: INCONSISTENT: …`) when any fails.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every invariant of the stores (read-only); exit non-zero when one fails.",
            discussion: "One row per check: rows inspected, violations, up to five example ids. See docs/operations.md.")
        @OptionGroup var options: GlobalOptions

        /// The JSON form of the report.
        struct Report: Encodable {
            let consistent: Bool
            let checks: [ConsistencyCheck]
        }

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let checks = try await runtime.withStore { store in try await store.consistencyCheck() }
            let rows = checks.map {
                [$0.name, String($0.inspected), String($0.violations), $0.holds ? "ok" : "FAILED", $0.examples.joined(separator: ", ")]
            }
            let failed = checks.filter { !$0.holds }
            try runtime.output.list(
                columns: ["check", "inspected", "violations", "result", "examples"], rows: rows,
                json: Report(consistent: failed.isEmpty, checks: checks))
            guard failed.isEmpty else {
                throw LoyaltyError(
                    .inconsistent,
                    "\(failed.count) of \(checks.count) checks failed: " + failed.map { "\($0.name) (\($0.violations))" }.joined(separator: ", "))
            }
            runtime.output.message("all \(checks.count) checks hold")
        }
    }
}

import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report lapsed [--as-of DAY] [--months N]`: customers active, at risk and lapsed over time.
struct LapsedReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lapsed", abstract: "Customers active, at risk and lapsed at a day and at the end of each month before it.",
        discussion: """
            Closed members are left out. The history applies each member's current lapse threshold \
            (docs/purchases.md). --as-of suits historical data (an import of last year's sales). --format html \
            draws lapsed members over time.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("as-of"), help: "The day, YYYY-MM-DD (default today in programme.time-zone).") var asOf: String?
    @Option(help: "Month ends before it to show, 0 to 120 (default 12).") var months: Int = 12

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let asOf = try self.asOf.map { try CalendarDate(parsing: $0, argument: "as-of") }
        let months = self.months
        let report = try await runtime.withStore { store in try await store.lapseReport(asOf: asOf, months: months) }
        runtime.output.write(try LapseReportView.render(report, format: runtime.output.format))
    }
}

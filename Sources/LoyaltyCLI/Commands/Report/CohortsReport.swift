import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report cohorts [--from YYYY-MM] [--to YYYY-MM]`: monthly cohort retention.
struct CohortsReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts", abstract: "Monthly cohort retention: of the customers who first bought in a month, who bought again later.",
        discussion: "Default: the twelve cohorts up to the latest. --format html writes a heat map (docs/purchases.md).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "First cohort month, YYYY-MM.") var from: String?
    @Option(help: "Last cohort month, YYYY-MM.") var to: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let from = try self.from.map { try Self.month($0, argument: "from") }
        let to = try self.to.map { try Self.month($0, argument: "to") }
        let report = try await runtime.withStore { store in try await store.cohortReport(from: from, to: to) }
        runtime.output.write(try CohortReportView.render(report, format: runtime.output.format))
    }

    /// `YYYY-MM` as the first day of the month.
    static func month(_ text: String, argument: String) throws(LoyaltyError) -> CalendarDate {
        guard text.count == 7 else { throw .badArgument(argument, "'\(text.prefix(20))': give a month as YYYY-MM") }
        do {
            return try CalendarDate(parsing: text + "-01", argument: argument)
        } catch {
            throw .badArgument(argument, "'\(text)': give a month as YYYY-MM")
        }
    }
}

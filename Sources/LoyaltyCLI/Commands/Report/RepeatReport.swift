import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report repeat`: repeat-purchase rate, frequency and time to a second purchase.
struct RepeatReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repeat", abstract: "Repeat-purchase rate, purchase frequency and days to a second purchase.",
        discussion: """
            Overall, by month of first purchase, by store of first purchase and by acquisition source. A customer \
            is a member with a purchase day; a repeat customer has two or more (docs/purchases.md). --format html \
            writes one self-contained page with a chart.
            """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let report = try await runtime.withStore { store in try await store.repeatPurchaseReport() }
        runtime.output.write(try RepeatReportView.render(report, format: runtime.output.format))
    }
}

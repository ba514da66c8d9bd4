import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report gift-batches`: cards issued versus activated per batch (the same as `giftcard batches`).
struct GiftBatchesReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gift-batches", abstract: "Gift cards issued versus activated per batch (as `giftcard batches`).")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let batches = try await runtime.withStore { store in try await store.giftCardBatches() }
        try runtime.printBatches(batches)
    }
}

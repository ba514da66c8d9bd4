import ArgumentParser

/// `loyalty purchase import|imports|metrics|refresh`: purchase history and the repeat-purchase tracker's
/// per-member figures (docs/purchases.md).
struct PurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchase", abstract: "Purchase history: import, per-member metrics, refresh.",
        subcommands: [PurchaseImportCommand.self, PurchaseImportsCommand.self, PurchaseMetricsCommand.self, PurchaseRefreshCommand.self])
}

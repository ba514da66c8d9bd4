import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension TierCommand {
    /// `loyalty tier seed FILE`: adds or updates (by code) every tier in a JSON file, all or nothing.
    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update (by code) the tiers in a JSON file, in one transaction.",
            discussion: """
                The file is an array of objects with code, name, rank, threshold, multiplier (a number or a \
                string such as "1.5"; default 1) and benefits (see config/tiers.example.json). Every entry is \
                checked before anything is written. Tiers not in the file are left alone.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Path of the JSON tiers file.") var file: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let tiers = try TierSeedFile.read(path: file)
            let records = try await runtime.withStore { store in try await store.seedTiers(tiers, actor: runtime.actor) }
            try runtime.printTiers(records)
            runtime.output.message("Seeded \(records.count) tier\(records.count == 1 ? "" : "s") from \(file).")
        }
    }
}

import Foundation
import LoyaltySchema
import LoyaltyStore
import Testing

@Suite("Schema list")
struct SchemaListTests {
    /// `sql/migrations`, found from this file's path.
    static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql/migrations")

    static func sqlFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: migrationsDirectory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
    }

    @Test func namesExactlyTheSQLFilesInOrder() throws {
        let files = try Self.sqlFiles()
        #expect(!files.isEmpty)
        #expect(LoyaltySchema.migrations.map(\.name) == files)
    }

    @Test func everyNameHasAUniqueAscendingFourDigitPrefix() throws {
        let versions = LoyaltySchema.migrations.map { Migration.version(of: $0.name) }
        for (file, version) in zip(LoyaltySchema.migrations, versions) {
            #expect(version != nil, "\(file.name) must look like 0001_description.sql")
        }
        let numbers = versions.compactMap { $0 }
        #expect(numbers == numbers.sorted())
        #expect(Set(numbers).count == numbers.count, "two migrations share a number")
        #expect(Migration.all.map(\.version) == numbers)
    }

    @Test func embeddedTextIsTheFilesText() throws {
        for file in LoyaltySchema.migrations {
            let onDisk = try String(contentsOf: Self.migrationsDirectory.appendingPathComponent(file.name), encoding: .utf8)
            #expect(file.sql == onDisk, "\(file.name) differs from the embedded copy")
        }
    }

    @Test func versionParsing() {
        #expect(Migration.version(of: "0001_foundation.sql") == 1)
        #expect(Migration.version(of: "0042_gift_cards.sql") == 42)
        #expect(Migration.version(of: "001_short.sql") == nil)
        #expect(Migration.version(of: "0001-dash.sql") == nil)
        #expect(Migration.version(of: "0001_.sql") == nil)
        #expect(Migration.version(of: "0001_foundation.txt") == nil)
        #expect(Migration.version(of: "abcd_letters.sql") == nil)
    }
}

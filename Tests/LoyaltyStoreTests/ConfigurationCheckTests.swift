import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `LoyaltyStore.verifyConfiguration`: what `serve` and every admin command check at start.
@Suite("Configuration checks at start (PostgreSQL)", .timeLimit(.minutes(6)))
struct ConfigurationCheckTests {
    @Test("a time zone PostgreSQL does not know is refused with CONFIGURATION; a known one passes")
    func timeZone() async throws {
        try await withTestDatabase { db in
            let berlin = db.store(rules: try ProgrammeRules(timeZone: "Europe/Berlin"))
            try await berlin.verifyConfiguration()
            let misspelt = db.store(rules: try ProgrammeRules(timeZone: "Europe/Berln"))
            let error = await #expect(throws: LoyaltyError.self) { try await misspelt.verifyConfiguration() }
            #expect(error?.code == .configuration && error?.message.contains("Europe/Berln") == true)
        }
    }

    @Test("the first key is recorded; the same key passes again; another key is refused and changes nothing")
    func installationKey() async throws {
        try await withTestDatabase { db in
            func store(_ byte: UInt8) throws -> LoyaltyStore {
                LoyaltyStore(client: db.client, logger: db.logger, installationKey: try InstallationKey(bytes: [UInt8](repeating: byte, count: 32)))
            }
            let keyless = LoyaltyStore(client: db.client, logger: db.logger)
            try await keyless.verifyConfiguration()
            #expect(try await db.scalar("select count(*)::int8 from installation_key") == 0)
            try await store(7).verifyConfiguration()
            try await store(7).verifyConfiguration()
            let error = await #expect(throws: LoyaltyError.self) { try await store(8).verifyConfiguration() }
            #expect(error?.code == .configuration)
            #expect(try await db.scalar("select count(*)::int8 from installation_key") == 1)
        }
    }
}

import Foundation
import LoyaltyStore
import LoyaltyTesting

/// Runs `loyalty` against the test database as the actor `alice`, with the installation key in `keyFile`
/// (created by the CLI on first use), for the suites whose commands make or check codes.
func loyalty(_ db: TestDatabase, keyFile: String, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
    try await LoyaltyProcess.run(
        arguments,
        environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_SECURITY_KEY_FILE": keyFile])
}

/// The store over the test database with the key the CLI created in `keyFile`.
func store(_ db: TestDatabase, keyFile: String) throws -> LoyaltyStore {
    LoyaltyStore(
        client: db.client, logger: db.logger,
        installationKey: try InstallationKey(bytes: try Data(contentsOf: URL(fileURLWithPath: keyFile))))
}

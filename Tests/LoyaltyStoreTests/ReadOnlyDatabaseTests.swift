import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Reports on a read-only database, as on a hot standby (docs/scaling.md): a session with
/// `default_transaction_read_only` refuses writes with SQLSTATE 25006, as recovery does.
@Suite("Read-only database: reports work, writes are refused (PostgreSQL)", .timeLimit(.minutes(3)))
struct ReadOnlyDatabaseTests {
    @Test("the metrics readers skip the refresh; a write is UNAVAILABLE and changes nothing")
    func reportsOnAReadOnlyDatabase() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let ada = try await db.newMember()
            _ = try await store.earn(ada, points: 10, purchase: try eur("10.00"), receipt: "R-1", origin: admin)
            var url = db.url
            url.applicationName = "read-only"
            try await db.client.query(
                PostgresQuery(unsafeSQL: "alter database \"\(db.name)\" set default_transaction_read_only = on"), logger: db.logger)
            try await withPostgresClient(url, poolSize: 1, logger: db.logger) { client in
                let reader = LoyaltyStore(client: client, logger: db.logger)
                try await Migrator(client: client, logger: db.logger).verifyCurrent()
                try await reader.verifyConfiguration()
                // The EARN queued the member's metrics; the refresh would write, so it is skipped.
                #expect(try await reader.refreshPurchaseMetrics() == 0)
                let report = try await reader.lapseReport(asOf: nil, months: 1)
                #expect(!report.history.isEmpty)
                _ = try await reader.giftCardLiability()
                let refused = await expectStoreError(.unavailable) {
                    _ = try await reader.earn(ada, points: 5, purchase: nil, receipt: nil, origin: admin)
                }
                #expect(refused?.message.contains("read-only") == true)
            }
            try await db.client.query(
                PostgresQuery(unsafeSQL: "alter database \"\(db.name)\" reset default_transaction_read_only"), logger: db.logger)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 1)
            #expect(try await db.scalar("select count(*)::int8 from point_entries") == 1)
        }
    }
}

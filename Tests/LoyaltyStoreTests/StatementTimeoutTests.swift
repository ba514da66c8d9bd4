import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Statement time-out (PostgreSQL)", .timeLimit(.minutes(6)))
struct StatementTimeoutTests {
    @Test("a call stuck past the pool's statement limit is cancelled by PostgreSQL: UNAVAILABLE, nothing written")
    func stuckCallIsCancelled() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            // Another session holds the member's account, as a long transaction would.
            let holder = try await PostgresConnection.connect(
                configuration: db.url.connectionConfiguration(), id: 7001, logger: db.logger)
            do {
                try await holder.query("begin", logger: db.logger)
                try await holder.query("select 1 from point_accounts for update", logger: db.logger)
                try await withPostgresClient(db.url, logger: db.logger, configure: { $0.limitStatements(to: .milliseconds(300)) }) {
                    client in
                    let store = LoyaltyStore(client: client, logger: db.logger)
                    let error = await #expect(throws: LoyaltyError.self) {
                        try await store.redeem(member, points: 1, receipt: nil, origin: admin)
                    }
                    #expect(error?.code == .unavailable, "\(String(describing: error))")
                    #expect(try await db.scalar("select count(*)::int8 from point_entries") == 0)
                    try await holder.query("rollback", logger: db.logger)
                    let earned = try await store.earn(member, points: 5, purchase: nil, receipt: nil, origin: admin)
                    #expect(earned.points == 5)
                }
            } catch {
                try? await holder.close()
                throw error
            }
            try await holder.close()
        }
    }
}

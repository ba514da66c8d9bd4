import LoyaltyTesting
import PostgresNIO

/// A transaction of the test's own, on a connection outside the server's pool, that holds a lock so that
/// concurrent requests all queue at the same point of their SQL function; releasing it lets them race.
/// This makes "sent at the same time" deterministic instead of a matter of luck.
final class RowLock: Sendable {
    private let holder: PostgresConnection
    private let observer: PostgresConnection
    private let database: TestDatabase

    /// Opens the transaction and runs `lock` in it (a `select … for update` or a `lock table`).
    static func acquire(_ database: TestDatabase, _ lock: PostgresQuery) async throws -> RowLock {
        let configuration = database.url.connectionConfiguration()
        let holder = try await PostgresConnection.connect(configuration: configuration, id: 9001, logger: database.logger)
        let observer = try await PostgresConnection.connect(configuration: configuration, id: 9002, logger: database.logger)
        let rowLock = RowLock(holder: holder, observer: observer, database: database)
        do {
            try await holder.query("begin", logger: database.logger)
            try await holder.query(lock, logger: database.logger)
        } catch {
            await rowLock.close()
            throw error
        }
        return rowLock
    }

    private init(holder: PostgresConnection, observer: PostgresConnection, database: TestDatabase) {
        self.holder = holder
        self.observer = observer
        self.database = database
    }

    /// Waits until `count` sessions of this database are waiting for a lock; throws after `limit`.
    func waitForWaiters(_ count: Int, limit: Duration = .seconds(15)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var waiting: Int64 = 0
        while clock.now < deadline {
            let rows = try await observer.query(
                """
                select count(*)::int8 from pg_stat_activity
                 where datname = current_database() and wait_event_type = 'Lock'
                """, logger: database.logger)
            for try await value in rows.decode(Int64.self) { waiting = value }
            if waiting >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RowLockError.notEnoughWaiters(expected: count, seen: waiting)
    }

    /// Ends the transaction (changing nothing), which lets the waiting requests go.
    func release() async throws {
        try await holder.query("rollback", logger: database.logger)
        await close()
    }

    /// Closes both connections (also releasing the lock).
    func close() async {
        try? await holder.close()
        try? await observer.close()
    }
}

extension RowLock {
    /// Locks the member's point account, where every ledger function of that member queues.
    static func account(_ database: TestDatabase, member: String) async throws -> RowLock {
        try await acquire(
            database,
            "select 1 from point_accounts a join members m on m.id = a.member_id where m.number = \(member) for update of a")
    }
}

enum RowLockError: Error {
    case notEnoughWaiters(expected: Int, seen: Int64)
}

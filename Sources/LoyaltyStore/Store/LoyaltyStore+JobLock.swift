import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The first key of the jobs' advisory locks ("LJOB" in ASCII); the second is `hashtext` of the job's
    /// name. PostgreSQL keeps the two-key and the one-key (migrator) advisory locks apart.
    static let jobLockClass: Int32 = 0x4C4A_4F42

    /// How ``withJobLock(_:wait:_:)`` treats a job that another runner holds.
    public enum JobLockWait: Sendable {
        /// Throw `JOB_RUNNING` at once.
        case no
        /// Try again every `interval` until the lock is free.
        case poll(interval: Duration)
    }

    /// Runs `body` while this process holds the job's session-level advisory lock, so that two runners of
    /// the same job (an overlapping cron run, a second host) never overlap. The lock lives on a connection
    /// leased for the whole run (the job's own statements use other pooled connections), and PostgreSQL
    /// releases it when that session ends, so a runner that crashes never leaves it held.
    public func withJobLock<T: Sendable>(
        _ job: String, wait: JobLockWait, _ body: () async throws -> T
    ) async throws -> T {
        let outcome: Result<T, any Error>
        do {
            outcome = try await client.withConnection { connection -> Result<T, any Error> in
                while true {
                    let rows = try await connection.query(
                        "select pg_try_advisory_lock(\(Self.jobLockClass), hashtext(\(job)))", logger: logger)
                    var locked = false
                    for try await acquired in rows.decode(Bool.self) { locked = acquired }
                    if locked { break }
                    guard case .poll(let interval) = wait else {
                        throw LoyaltyError(.jobRunning, "job \(job) is already running (another runner holds its lock); nothing was done")
                    }
                    logger.info("job is running elsewhere; waiting for its lock", metadata: ["job": "\(job)"])
                    try await Task.sleep(for: interval)
                }
                let result: Result<T, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                _ = try? await connection.query(
                    "select pg_advisory_unlock(\(Self.jobLockClass), hashtext(\(job)))", logger: logger)
                return result
            }
        } catch let error as LoyaltyError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw StoreErrorMapping.map(error, logger: logger)
        }
        return try outcome.get()
    }
}

import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

extension CommandRuntime {
    /// The exit status of a job that found another runner holding its lock (BSD's EX_TEMPFAIL): a
    /// scheduler can tell "already running" from a failure (1).
    static let jobRunningStatus: Int32 = 75

    /// Runs a job's work under its lock (``LoyaltyStore/withJobLock(_:wait:_:)``): when another runner holds
    /// it, prints `Error: JOB_RUNNING: …` and exits with status 75 at once, or waits with `--wait`.
    func withJobLock<T: Sendable>(
        _ job: String, _ lock: JobLockOptions, installationKey: Bool = false, _ body: @Sendable (LoyaltyStore) async throws -> T
    ) async throws -> T {
        let wait: LoyaltyStore.JobLockWait = lock.wait ? .poll(interval: .milliseconds(500)) : .no
        do {
            return try await withStore(installationKey: installationKey) { store in
                try await store.withJobLock(job, wait: wait) { try await body(store) }
            }
        } catch let error as LoyaltyError where error.code == .jobRunning {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(Self.jobRunningStatus)
        }
    }
}

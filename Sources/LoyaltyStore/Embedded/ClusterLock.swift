#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoyaltyCore

/// An exclusive `flock` on a file in the state directory, held while a process initialises, starts or stops
/// the embedded cluster, so that two `loyalty` processes (or two tasks) never run `initdb` or `pg_ctl` on the
/// same cluster at once. The kernel drops the lock when the process dies, so a crash never leaves it behind.
///
/// Waiting polls with a non-blocking `flock` and `Task.sleep`, so that no thread of the cooperative pool is
/// blocked.
enum ClusterLock {
    /// Runs `body` while holding an exclusive lock on `path` (created if missing), waiting up to `timeout`
    /// for another holder to finish.
    static func withLock<T>(
        path: String,
        timeout: Duration = .seconds(180),
        _ body: () async throws -> T
    ) async throws -> T {
        let descriptor = try await acquire(path: path, timeout: timeout)
        defer {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
        return try await body()
    }

    private static func acquire(path: String, timeout: Duration) async throws(LoyaltyError) -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw LoyaltyError(.configuration, "cannot open the lock file \(path): \(reason)")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR, clock.now < deadline else {
                let reason =
                    failure == EWOULDBLOCK
                    ? "another process has held it for more than \(timeout)" : String(cString: strerror(failure))
                close(descriptor)
                throw LoyaltyError(.configuration, "cannot lock \(path): \(reason)")
            }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                close(descriptor)
                throw LoyaltyError(.configuration, "cancelled while waiting for the lock \(path)")
            }
        }
        return descriptor
    }
}

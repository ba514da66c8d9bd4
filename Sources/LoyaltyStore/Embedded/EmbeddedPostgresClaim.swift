#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoyaltyCore

/// A process's claim on the running embedded cluster: a shared `flock` on `<home>/postgres.users`, held
/// from ``EmbeddedPostgres/startAndClaim()`` until ``EmbeddedPostgres/release(_:)``.
///
/// Every `loyalty` process that uses the cluster holds one, whether or not it has connections open at
/// the moment (a quiet server's pool may have none). Whoever releases last, and so can turn its shared
/// lock into an exclusive one, stops the cluster. The kernel drops the lock of a process that dies, so a
/// crash never keeps the cluster claimed.
public final class EmbeddedPostgresClaim: Sendable {
    let descriptor: Int32

    /// Takes a shared lock on `path`. Call it while holding the cluster lock: nobody else then holds the
    /// exclusive lock, so this does not wait.
    static func acquire(path: String) throws(LoyaltyError) -> EmbeddedPostgresClaim {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LoyaltyError(.configuration, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_SH | LOCK_NB) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw LoyaltyError(.configuration, "cannot lock \(path): \(reason)")
            }
        }
        return EmbeddedPostgresClaim(descriptor: descriptor)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Gives up the claim; returns whether it was the last one (this process got the exclusive lock).
    /// Call it while holding the cluster lock.
    func releaseWasLast() -> Bool {
        let last = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        close(descriptor)
        return last
    }
}

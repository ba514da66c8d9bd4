#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoyaltyCore

/// The operating-system account that owns the embedded cluster's files and runs `initdb`, `pg_ctl` and the server.
///
/// PostgreSQL refuses to run as root. When the process is root, the cluster runs as an unprivileged account
/// (``EmbeddedPostgres``'s `runAsUser`; by default the owner of an existing data directory, else `postgres` if
/// that account exists, else `nobody`) and commands are started through `runuser`, `setpriv` or `su`.
/// Otherwise it runs as the current user and nothing is switched.
struct ClusterAccount: Sendable, Hashable {
    let name: String
    let uid: uid_t
    let gid: gid_t
    /// The account's groups (primary and supplementary), for the directory traversal check.
    let groups: [gid_t]
    /// `true` when commands must switch from root to this account.
    let switchesUser: Bool

    /// Chooses the account for a cluster whose data directory is (or will be) `dataDirectory`.
    static func resolve(runAsUser: String?, dataDirectory: String) throws(LoyaltyError) -> ClusterAccount {
        guard geteuid() == 0 else {
            return try account(uid: geteuid())
        }
        if let runAsUser, !runAsUser.isEmpty {
            return try account(named: runAsUser)
        }
        var info = stat()
        if stat(dataDirectory, &info) == 0, info.st_uid != 0 {
            return try account(uid: info.st_uid)
        }
        if getpwnam("postgres") != nil {
            return try account(named: "postgres")
        }
        return try account(named: "nobody")
    }

    /// Whether this account may enter (search) the directory at `path`.
    func canTraverse(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let mode = info.st_mode
        if info.st_uid == uid { return mode & S_IXUSR != 0 }
        if groups.contains(info.st_gid) { return mode & S_IXGRP != 0 }
        return mode & S_IXOTH != 0
    }

    private static func account(named name: String) throws(LoyaltyError) -> ClusterAccount {
        guard let entry = getpwnam(name) else {
            throw LoyaltyError(
                .configuration,
                "the embedded PostgreSQL should run as user '\(name)' (PostgreSQL refuses to run as root), "
                    + "but no such user exists; create it or choose another one"
            )
        }
        return make(entry.pointee)
    }

    private static func account(uid: uid_t) throws(LoyaltyError) -> ClusterAccount {
        guard let entry = getpwuid(uid) else {
            throw LoyaltyError(.configuration, "user id \(uid) has no entry in the user database")
        }
        return make(entry.pointee)
    }

    private static func make(_ entry: passwd) -> ClusterAccount {
        let name = entry.pw_name.map { String(cString: $0) } ?? "\(entry.pw_uid)"
        return ClusterAccount(
            name: name,
            uid: entry.pw_uid,
            gid: entry.pw_gid,
            groups: groupList(name: name, primary: entry.pw_gid),
            switchesUser: geteuid() == 0 && entry.pw_uid != 0
        )
    }

    private static func groupList(name: String, primary: gid_t) -> [gid_t] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        #if canImport(Darwin)
        let found = groups.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return base.withMemoryRebound(to: Int32.self, capacity: buffer.count) {
                getgrouplist(name, Int32(bitPattern: primary), $0, &count)
            }
        }
        #else
        let found = getgrouplist(name, primary, &groups, &count)
        #endif
        guard found >= 0 else { return [primary] }
        return Array(groups.prefix(Int(count)))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

// Directories, `initdb` and the configuration files of the embedded cluster.
extension EmbeddedPostgres {
    var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
    }

    func checkSocketPath() throws(LoyaltyError) {
        let path = DatabaseURL.socketPath(directory: socketDirectory, port: Self.port)
        guard path.utf8.count <= Self.maximumSocketPathLength else {
            throw LoyaltyError(
                .configuration,
                "the embedded PostgreSQL's socket would be \(path) (\(path.utf8.count) bytes), but Unix socket paths "
                    + "must stay under 100 bytes; choose a state directory with a shorter path"
            )
        }
    }

    func createHome() throws(LoyaltyError) {
        do {
            try FileManager.default.createDirectory(
                atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw LoyaltyError(.configuration, "cannot create the state directory \(home): \(error)")
        }
    }

    /// Creates `postgres/` and `run/` (0700, owned by the account) and checks that the account can reach them.
    func prepareDirectories(for account: ClusterAccount) throws(LoyaltyError) {
        if account.switchesUser {
            try makeReachable(for: account)
        }
        for directory in [clusterDirectory, socketDirectory] {
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw LoyaltyError(.configuration, "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
            if account.switchesUser, chown(directory, account.uid, account.gid) != 0 {
                throw LoyaltyError(
                    .configuration,
                    "cannot give \(directory) to user '\(account.name)': \(String(cString: strerror(errno)))"
                )
            }
            if chmod(directory, 0o700) != 0 {
                throw LoyaltyError(.configuration, "cannot set the mode of \(directory): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The account must be able to pass through every directory above `postgres/` and `run/`. The state
    /// directory itself is opened (`o+x`, `g+x`) when we own it; anything above it is only checked.
    private func makeReachable(for account: ClusterAccount) throws(LoyaltyError) {
        var info = stat()
        if !account.canTraverse(home), stat(home, &info) == 0, info.st_uid == geteuid() {
            logger.notice(
                "letting user '\(account.name)' through the state directory (chmod go+x)", metadata: ["home": "\(home)"]
            )
            _ = chmod(home, (info.st_mode & 0o7777) | 0o011)
        }
        var path = ""
        var ancestors = ["/"]
        for component in home.split(separator: "/") {
            path += "/" + component
            ancestors.append(path)
        }
        for directory in ancestors where !account.canTraverse(directory) {
            throw LoyaltyError(
                .configuration,
                "the embedded PostgreSQL runs as user '\(account.name)' (PostgreSQL refuses to run as root), which "
                    + "cannot enter \(directory); use a state directory it can reach (for example under /var/lib or "
                    + "/srv) or let it through with chmod o+x \(directory)"
            )
        }
    }

    /// Runs `initdb` into a scratch directory and moves it into place once complete, so that an interrupted
    /// first start never leaves a half-made cluster behind.
    func initialize(_ binaries: PostgresBinaries, _ account: ClusterAccount) async throws(LoyaltyError) {
        let fileManager = FileManager.default
        let scratch = clusterDirectory + "/data.partial"
        try? fileManager.removeItem(atPath: scratch)
        if fileManager.fileExists(atPath: dataDirectory) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: dataDirectory)) ?? []
            guard contents.isEmpty else {
                throw LoyaltyError(
                    .configuration,
                    "\(dataDirectory) exists but is not a PostgreSQL data directory (no PG_VERSION); move it away"
                )
            }
            try? fileManager.removeItem(atPath: dataDirectory)
        }
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        let command = ClusterCommand(
            executable: binaries.initdb,
            arguments: [
                "-D", scratch, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8", "--locale=C",
            ],
            account: account,
            workingDirectory: clusterDirectory
        )
        let result = try await command.run()
        guard result.succeeded else {
            try? fileManager.removeItem(atPath: scratch)
            throw LoyaltyError(.configuration, "initdb failed (exit \(result.status)):\n\(result.tail())")
        }
        try writeOwnedFile(
            scratch + "/pg_hba.conf",
            """
            # Loyalty's embedded cluster: Unix-socket connections only (no TCP listener), trusted, because the
            # socket directory is private to the cluster's owner (mode 0700).
            local   all   all   trust

            """,
            account
        )
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/postgresql.conf"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\n# Loyalty's settings, rewritten on every start.\ninclude_if_exists = 'loyalty.conf'\n".utf8))
            try handle.close()
            try fileManager.moveItem(atPath: scratch, toPath: dataDirectory)
        } catch {
            throw LoyaltyError(.configuration, "cannot finish the new cluster in \(dataDirectory): \(error)")
        }
    }

    /// Writes `loyalty.conf`, included at the end of `postgresql.conf`. It is rewritten on every start so that
    /// the socket directory follows the state directory. Tune the server with `ALTER SYSTEM`
    /// (`postgresql.auto.conf` is read after it).
    func writeRuntimeConfiguration(_ account: ClusterAccount) throws(LoyaltyError) {
        try writeOwnedFile(
            dataDirectory + "/loyalty.conf",
            """
            # Written by loyalty each time it starts this cluster: edits are lost. Use ALTER SYSTEM instead.
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(Self.configurationString(socketDirectory))'
            unix_socket_permissions = 0700
            max_connections = \(Self.maxConnections)

            """,
            account
        )
    }

    /// Quotes a value for a single-quoted `postgresql.conf` string.
    static func configurationString(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
    }

    /// Writes a file the server must read: replaced atomically, mode 0600, owned by the cluster's account.
    private func writeOwnedFile(_ path: String, _ contents: String, _ account: ClusterAccount) throws(LoyaltyError) {
        let scratch = path + ".new"
        do {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: scratch))
        } catch {
            throw LoyaltyError(.configuration, "cannot write \(path): \(error)")
        }
        guard chmod(scratch, 0o600) == 0,
            !account.switchesUser || chown(scratch, account.uid, account.gid) == 0,
            rename(scratch, path) == 0
        else {
            let reason = String(cString: strerror(errno))
            unlink(scratch)
            throw LoyaltyError(.configuration, "cannot install \(path): \(reason)")
        }
    }
}

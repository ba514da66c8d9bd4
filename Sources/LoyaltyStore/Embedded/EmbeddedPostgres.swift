import Foundation
import Logging
import LoyaltyCore

/// A private PostgreSQL cluster kept in Loyalty's state directory, so that `loyalty` works without a database
/// server being set up first.
///
/// Layout under ``home`` (default `./.loyalty`):
///
/// - `postgres/data`: the cluster (superuser `loyalty`, database `loyalty`, UTF-8, locale C);
/// - `postgres/postgres.log`: the server's log;
/// - `run/.s.PGSQL.5432`: the server's only way in, a Unix socket in a private (0700) directory, with
///   trust authentication. The server listens on no TCP port (`listen_addresses = ''`); the port number only
///   names the socket file, so several clusters in different state directories never collide.
/// - `postgres.lock`: held while a process initialises, starts or stops the cluster.
///
/// ## Reusing a running cluster
///
/// The cluster outlives the process that started it: ``start()`` leaves the server running (`pg_ctl start`
/// detaches it), and every later `loyalty` command with the same state directory finds it through
/// `postgres/data/postmaster.pid` (the PID is alive, works in this data directory, says `ready`, and the
/// socket accepts connections) and reuses it: ``start()`` then returns ``StartOutcome/alreadyRunning``. So the
/// first command pays for `initdb` and the server's start-up, later ones connect at once, and `serve` and
/// admin commands can run side by side on one cluster. Concurrent starts are serialised by the lock file; if
/// `pg_ctl start` fails because someone else started the server meanwhile, that is also `.alreadyRunning`.
/// A `postmaster.pid` left behind by a crash (dead PID, or a PID now used by another program) is removed
/// before starting. ``stop()`` shuts the server down with `pg_ctl stop -m fast`.
///
/// ## Running as root
///
/// PostgreSQL refuses to run as root. When the process is root, `initdb`, `pg_ctl` and the server run as
/// `runAsUser` (default: the owner of an existing data directory, else `postgres` if that user exists, else
/// `nobody`) through `runuser` (or `setpriv`, or `su`); `postgres/` and `run/` are owned by that user, mode
/// 0700, and every directory above them must let that user through.
public struct EmbeddedPostgres: Sendable {
    /// What ``EmbeddedPostgres/start()`` did.
    public enum StartOutcome: Sendable, Hashable {
        /// The server was started by this call (after `initdb`, on first use).
        case started
        /// A server for this state directory was already running and is reused.
        case alreadyRunning
    }

    /// The cluster's superuser, which Loyalty connects as.
    public static let superuser = "loyalty"
    /// The database Loyalty uses.
    public static let databaseName = "loyalty"
    /// The port number; it only names the socket file (no TCP).
    public static let port = 5432
    /// The server's `max_connections`.
    public static let maxConnections = 300
    /// Sockets paths (`sun_path`) are limited to 104 bytes on macOS and 108 on Linux; stay clear of both.
    public static let maximumSocketPathLength = 99

    /// The absolute state directory.
    public let home: String
    let logger: Logger
    let binDirectory: String?
    let runAsUser: String?
    let searchPath: String?

    /// - Parameters:
    ///   - home: The state directory (relative paths are resolved against the current directory now).
    ///   - logger: Where progress and problems are logged.
    ///   - binDirectory: Where `initdb`, `pg_ctl` and `postgres` are (the `LOYALTY_PG_BIN` setting); searched for
    ///     when `nil` (see ``PostgresBinaries/locate(binDirectory:searchPath:fallbackDirectories:)``).
    ///   - runAsUser: The account to run PostgreSQL as when this process is root; ignored otherwise.
    ///   - searchPath: The directories searched for the programs, `$PATH` by default.
    public init(
        home: String,
        logger: Logger,
        binDirectory: String? = nil,
        runAsUser: String? = nil,
        searchPath: String? = ProcessInfo.processInfo.environment["PATH"]
    ) {
        self.home = URL(fileURLWithPath: home).standardizedFileURL.path
        self.logger = logger
        self.binDirectory = binDirectory
        self.runAsUser = runAsUser
        self.searchPath = searchPath
    }

    /// `<home>/postgres/data`.
    public var dataDirectory: String { home + "/postgres/data" }
    /// `<home>/run`, the directory of the server's Unix socket.
    public var socketDirectory: String { home + "/run" }
    /// `<home>/postgres/postgres.log`.
    public var logFile: String { home + "/postgres/postgres.log" }
    /// `<home>/postgres.lock`.
    var lockFile: String { home + "/postgres.lock" }
    /// `<home>/postgres.users`: every process using the cluster holds a shared lock on it.
    var usersFile: String { home + "/postgres.users" }
    /// `<home>/postgres`.
    var clusterDirectory: String { home + "/postgres" }

    /// The URL of the `loyalty` database over the cluster's Unix socket, as the `loyalty` superuser.
    public var databaseURL: DatabaseURL {
        DatabaseURL(
            endpoint: .unixSocket(directory: socketDirectory, port: Self.port),
            username: Self.superuser,
            database: Self.databaseName
        )
    }

    /// Starts the cluster, creating it on first use, or finds it already running.
    ///
    /// On first use this runs `initdb`, writes the configuration and creates the `loyalty` database. Safe to
    /// call from several processes at once: all of them end up using one running server.
    ///
    /// - Throws: ``LoyaltyError`` `.configuration` with the reason (and the tail of the program's output or of
    ///   the server log) when PostgreSQL is missing, cannot be run, or does not start.
    @discardableResult
    public func start() async throws -> StartOutcome {
        try checkSocketPath()
        let binaries = try PostgresBinaries.locate(binDirectory: binDirectory, searchPath: searchPath)
        try createHome()
        return try await ClusterLock.withLock(path: lockFile) {
            try await startLocked(binaries)
        }
    }

    /// Starts the cluster (or finds it running) and claims it for this process: until the claim is
    /// released, no other `loyalty` process stops the cluster. Pair with ``release(_:)``.
    public func startAndClaim() async throws -> (StartOutcome, EmbeddedPostgresClaim) {
        try checkSocketPath()
        let binaries = try PostgresBinaries.locate(binDirectory: binDirectory, searchPath: searchPath)
        try createHome()
        return try await ClusterLock.withLock(path: lockFile) {
            let outcome = try await startLocked(binaries)
            return (outcome, try EmbeddedPostgresClaim.acquire(path: usersFile))
        }
    }

    /// Releases this process's claim and stops the cluster if it was the last one.
    /// - Returns: whether the cluster was stopped.
    @discardableResult
    public func release(_ claim: EmbeddedPostgresClaim) async throws -> Bool {
        try await ClusterLock.withLock(path: lockFile) {
            guard claim.releaseWasLast() else {
                logger.info("leaving the embedded PostgreSQL running: another loyalty process uses it", metadata: ["home": "\(home)"])
                return false
            }
            try await stopLocked()
            return true
        }
    }

    private func startLocked(_ binaries: PostgresBinaries) async throws -> StartOutcome {
        let account = try ClusterAccount.resolve(runAsUser: runAsUser, dataDirectory: dataDirectory)
        try prepareDirectories(for: account)
        let outcome: StartOutcome
        if isInitialized {
            outcome = try await startExisting(binaries, account)
        } else {
            try await initialize(binaries, account)
            try writeRuntimeConfiguration(account)
            try await startServer(binaries, account)
            outcome = .started
        }
        try await ensureDatabase()
        logger.info(
            "embedded PostgreSQL \(outcome == .started ? "started" : "already running")",
            metadata: ["home": "\(home)", "user": "\(account.name)"]
        )
        return outcome
    }

    /// Stops the cluster (`pg_ctl stop -m fast`: sessions are disconnected, transactions rolled back). Does
    /// nothing when it is not running.
    public func stop() async throws {
        guard FileManager.default.fileExists(atPath: dataDirectory) else { return }
        try await ClusterLock.withLock(path: lockFile) {
            try await stopLocked()
        }
    }

    private func stopLocked() async throws {
        guard FileManager.default.fileExists(atPath: dataDirectory) else { return }
        guard let pidFile = PostmasterPIDFile.read(dataDirectory: dataDirectory),
            pidFile.ownsDataDirectory(dataDirectory)
        else {
            logger.debug("embedded PostgreSQL is not running", metadata: ["home": "\(home)"])
            return
        }
        let binaries = try PostgresBinaries.locate(binDirectory: binDirectory, searchPath: searchPath)
        let account = try ClusterAccount.resolve(runAsUser: runAsUser, dataDirectory: dataDirectory)
        let result = try await pgCtl(
            binaries, account, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "120"]
        )
        let stillRunning = PostmasterPIDFile.read(dataDirectory: dataDirectory)?.ownsDataDirectory(dataDirectory)
        if !result.succeeded, stillRunning == true {
            throw LoyaltyError(
                .configuration, "pg_ctl stop failed (exit \(result.status)):\n\(result.tail())\(logTail())"
            )
        }
        logger.info("embedded PostgreSQL stopped", metadata: ["home": "\(home)"])
    }

    /// Whether this state directory's server is running and accepting connections.
    public func isRunning() async -> Bool {
        guard let pidFile = PostmasterPIDFile.read(dataDirectory: dataDirectory),
            pidFile.status == .ready, pidFile.ownsDataDirectory(dataDirectory)
        else { return false }
        return UnixSocketProbe.accepts(path: DatabaseURL.socketPath(directory: socketDirectory, port: Self.port))
    }
}

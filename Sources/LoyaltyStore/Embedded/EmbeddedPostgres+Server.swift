#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore
import PostgresNIO

// Starting the server, finding one already running, and creating the `loyalty` database.
extension EmbeddedPostgres {
    /// Reuses a running server or starts the existing cluster, clearing a stale `postmaster.pid` first.
    func startExisting(_ binaries: PostgresBinaries, _ account: ClusterAccount) async throws -> StartOutcome {
        if try await waitForRunningServer() {
            return .alreadyRunning
        }
        removeStaleLockFiles()
        try writeRuntimeConfiguration(account)
        do {
            try await startServer(binaries, account)
            return .started
        } catch {
            // Someone else may have started it in the meantime (without our lock): then use theirs.
            if try await waitForRunningServer() { return .alreadyRunning }
            throw error
        }
    }

    /// `true` when this data directory's server is running; waits while it is starting up or shutting down.
    /// `false` when no server owns the data directory.
    private func waitForRunningServer(timeout: Duration = .seconds(60)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            guard let pidFile = PostmasterPIDFile.read(dataDirectory: dataDirectory),
                pidFile.ownsDataDirectory(dataDirectory)
            else { return false }
            if await isRunning() { return true }
            guard clock.now < deadline else {
                throw LoyaltyError(
                    .configuration,
                    "PostgreSQL (PID \(pidFile.pid)) owns \(dataDirectory) but has not accepted connections for "
                        + "\(timeout) (status: \(pidFile.status.rawValue))\(logTail())"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// After a crash `postmaster.pid` (and the socket's lock file) may name a dead process, or a PID that now
    /// belongs to another program, which would make PostgreSQL refuse to start.
    private func removeStaleLockFiles() {
        let pidPath = PostmasterPIDFile.path(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: pidPath) else { return }
        logger.notice("removing a stale postmaster.pid left by a server that is gone", metadata: ["home": "\(home)"])
        unlink(pidPath)
        unlink(DatabaseURL.socketPath(directory: socketDirectory, port: Self.port) + ".lock")
    }

    /// `pg_ctl start -w`: returns once the server accepts connections.
    func startServer(_ binaries: PostgresBinaries, _ account: ClusterAccount) async throws(LoyaltyError) {
        logger.info("starting embedded PostgreSQL", metadata: ["home": "\(home)"])
        let result = try await pgCtl(binaries, account, ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "120"])
        guard result.succeeded else {
            throw LoyaltyError(
                .configuration, "pg_ctl start failed (exit \(result.status)):\n\(result.tail())\(logTail())"
            )
        }
    }

    func pgCtl(
        _ binaries: PostgresBinaries, _ account: ClusterAccount, _ arguments: [String]
    ) async throws(LoyaltyError) -> ClusterCommand.Outcome {
        try await ClusterCommand(
            executable: binaries.pgCtl, arguments: arguments, account: account, workingDirectory: clusterDirectory
        ).run()
    }

    /// Creates the `loyalty` database if it is missing (first start, or a first start that was interrupted).
    func ensureDatabase() async throws {
        let url = databaseURL.withDatabase("postgres")
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration(), id: 0, logger: logger
            )
        } catch {
            throw LoyaltyError(
                .configuration, "embedded PostgreSQL is running but cannot be reached at \(url): \(error)\(logTail())"
            )
        }
        do {
            let rows = try await connection.query(
                "select 1 from pg_database where datname = \(Self.databaseName)", logger: logger
            )
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "create database \(Self.databaseName)"), logger: logger)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                    // duplicate_database: created concurrently, which is what we wanted.
                }
            }
        } catch {
            try? await connection.close()
            throw LoyaltyError(.configuration, "cannot create the \(Self.databaseName) database: \(String(reflecting: error))")
        }
        try? await connection.close()
    }

    /// The last lines of the server log, prefixed for appending to an error message (empty if there is none).
    func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8), !text.isEmpty else { return "" }
        let tail = text.split(separator: "\n").suffix(lines).joined(separator: "\n")
        return "\nlast lines of \(logFile):\n\(tail)"
    }
}

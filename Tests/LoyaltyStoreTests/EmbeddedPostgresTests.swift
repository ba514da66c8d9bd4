#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("EmbeddedPostgres (PostgreSQL)")
struct EmbeddedPostgresTests {
    let logger = TestPostgres.shared.logger

    @Test func startsReusesStopsAndRestartsKeepingData() async throws {
        try await withTemporaryDirectory { directory in
            let home = directory + "/state"
            let postgres = EmbeddedPostgres(home: home, logger: logger)
            defer { Self.forceStop(home) }

            // Two starts at once on a new state directory: one creates and starts, the other reuses.
            async let first = postgres.start()
            async let second = EmbeddedPostgres(home: home, logger: logger).start()
            let outcomes = try await [first, second]
            #expect(outcomes.contains(.started))
            #expect(outcomes.contains(.alreadyRunning))
            #expect(await postgres.isRunning())
            #expect(try await postgres.start() == .alreadyRunning)

            #expect(postgres.databaseURL.socketPath == home + "/run/.s.PGSQL.5432")
            #expect(postgres.databaseURL.username == "loyalty")
            #expect(postgres.databaseURL.database == "loyalty")
            try Self.expectPrivate(home + "/run")
            try Self.expectPrivate(home + "/postgres")
            if geteuid() == 0 {
                var info = stat()
                #expect(stat(postgres.dataDirectory, &info) == 0)
                #expect(info.st_uid != 0, "the cluster must not belong to root")
            }

            try await withPostgresClient(postgres.databaseURL, logger: logger) { client in
                let settings = try await client.query(
                    "select current_setting('listen_addresses'), current_setting('max_connections')::int, current_user"
                )
                for try await (listen, maxConnections, user) in settings.decode((String, Int, String).self) {
                    #expect(listen == "")
                    #expect(maxConnections == 300)
                    #expect(user == "loyalty")
                }
                try await client.query("create table kept (note text)")
                try await client.query("insert into kept values ('still here')")
            }

            try await postgres.stop()
            #expect(await postgres.isRunning() == false)
            try await postgres.stop()  // stopping a stopped cluster does nothing

            #expect(try await postgres.start() == .started)
            try await withPostgresClient(postgres.databaseURL, logger: logger) { client in
                let rows = try await client.query("select note from kept")
                var notes: [String] = []
                for try await (note) in rows.decode(String.self) { notes.append(note) }
                #expect(notes == ["still here"])
            }
            try await postgres.stop()
        }
    }

    /// A quiet `serve` may have no connection open at all: whether the cluster is in use must not depend
    /// on connections, only on the claims of the processes using it.
    @Test func theLastClaimStopsTheClusterWhateverTheConnections() async throws {
        try await withTemporaryDirectory { directory in
            let home = directory + "/state"
            defer { Self.forceStop(home) }
            let server = EmbeddedPostgres(home: home, logger: logger)
            let command = EmbeddedPostgres(home: home, logger: logger)
            let (started, serverClaim) = try await server.startAndClaim()
            #expect(started == .started)
            let (reused, commandClaim) = try await command.startAndClaim()
            #expect(reused == .alreadyRunning)

            // Nobody is connected now; the command finishes first and must leave the cluster running.
            #expect(try await command.release(commandClaim) == false)
            #expect(await server.isRunning())
            #expect(try await server.release(serverClaim) == true)
            #expect(await server.isRunning() == false)
        }
    }

    @Test func startsAfterACrashAndWithAStalePIDFile() async throws {
        try await withTemporaryDirectory { directory in
            let home = directory + "/state"
            let postgres = EmbeddedPostgres(home: home, logger: logger)
            defer { Self.forceStop(home) }
            #expect(try await postgres.start() == .started)

            // A crash: the postmaster is killed and leaves its postmaster.pid behind.
            let pidPath = postgres.dataDirectory + "/postmaster.pid"
            let pid = try #require(Self.postmasterPID(postgres.dataDirectory))
            #expect(kill(pid, SIGKILL) == 0)
            try await Self.waitUntilGone(pid)
            #expect(FileManager.default.fileExists(atPath: pidPath))
            #expect(await postgres.isRunning() == false)
            #expect(try await postgres.start() == .started)
            #expect(await postgres.isRunning())

            // A postmaster.pid naming a live process that is not PostgreSQL (after a reboot, PIDs are reused).
            try await postgres.stop()
            try "\(getpid())\n\(postgres.dataDirectory)\n".write(toFile: pidPath, atomically: true, encoding: .utf8)
            #expect(await postgres.isRunning() == false)
            #expect(try await postgres.start() == .started)

            // A postmaster.pid naming a dead process.
            try await postgres.stop()
            try "999999\n\(postgres.dataDirectory)\n".write(toFile: pidPath, atomically: true, encoding: .utf8)
            #expect(try await postgres.start() == .started)
            try await postgres.stop()
        }
    }

    @Test func anEmptyBinDirectoryGivesAClearError() async throws {
        try await withTemporaryDirectory { directory in
            let bin = directory + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            let postgres = EmbeddedPostgres(home: directory + "/state", logger: logger, binDirectory: bin)
            let error = await #expect(throws: LoyaltyError.self) { try await postgres.start() }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("LOYALTY_PG_BIN is \(bin), which does not contain initdb, pg_ctl, postgres") == true)
        }
    }

    @Test func missingProgramsNameThePackagesToInstall() throws {
        let error = #expect(throws: LoyaltyError.self) {
            try PostgresBinaries.locate(binDirectory: nil, searchPath: "", fallbackDirectories: [])
        }
        #expect(error?.code == .configuration)
        for hint in ["apt-get install postgresql", "dnf install postgresql-server", "brew install postgresql@16", "LOYALTY_PG_BIN"] {
            #expect(error?.message.contains(hint) == true, "missing \(hint)")
        }
    }

    @Test func findsThisMachinesPostgreSQL() throws {
        let binaries = try PostgresBinaries.locate(
            binDirectory: nil, searchPath: ProcessInfo.processInfo.environment["PATH"]
        )
        #expect(FileManager.default.isExecutableFile(atPath: binaries.initdb))
        #expect(FileManager.default.isExecutableFile(atPath: binaries.pgCtl))
        #expect(FileManager.default.isExecutableFile(atPath: binaries.postgres))
        // Without $PATH, the standard installation directories are searched.
        let fallback = try PostgresBinaries.locate(binDirectory: nil, searchPath: "")
        #expect(FileManager.default.isExecutableFile(atPath: fallback.initdb))
    }

    @Test func refusesASocketPathThatIsTooLong() async throws {
        let home = "/tmp/" + String(repeating: "x", count: 90)
        let error = await #expect(throws: LoyaltyError.self) {
            try await EmbeddedPostgres(home: home, logger: logger).start()
        }
        #expect(error?.message.contains("must stay under 100 bytes") == true)
        #expect(!FileManager.default.fileExists(atPath: home))
    }

    @Test(.enabled(if: geteuid() == 0, "only root switches to an unprivileged user"))
    func asRootAHomeTheServerUserCannotReachIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            #expect(chmod(directory, 0o700) == 0)
            let home = directory + "/hidden/state"
            let error = await #expect(throws: LoyaltyError.self) {
                try await EmbeddedPostgres(home: home, logger: logger).start()
            }
            #expect(error?.message.contains("cannot enter \(directory)") == true, "\(error?.message ?? "")")
        }
    }

    // MARK: - Helpers

    static func expectPrivate(_ path: String) throws {
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700, "\(path) must be private")
    }

    static func postmasterPID(_ dataDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return nil }
        return pid_t(line)
    }

    static func waitUntilGone(_ pid: pid_t) async throws {
        for _ in 0..<500 where kill(pid, 0) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// If a test fails half-way, do not leave its server running.
    static func forceStop(_ home: String) {
        if let pid = postmasterPID(home + "/postgres/data"), pid != getpid(), pid != 999999 {
            kill(pid, SIGQUIT)
            for _ in 0..<500 where kill(pid, 0) == 0 { usleep(10_000) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyTesting
import Testing

/// The embedded default, end to end: with no database URL, `loyalty serve` and the admin commands share a private
/// PostgreSQL cluster under `LOYALTY_HOME`, each run as a separate process, as a person would run them.
@Suite("Embedded default: serve and the CLI on a private cluster (PostgreSQL, subprocess)", .serialized, .timeLimit(.minutes(5)))
struct EmbeddedServeTests {
    @Test("serve creates, migrates and serves a private cluster; the CLI shares it; SIGTERM stops it; a restart keeps the data")
    func serveOnTheEmbeddedCluster() async throws {
        try await withEmbeddedHome { home in
            // 1. First start on a fresh home: initdb, migrations, then terminals.
            let first = try home.startServe(log: "serve-1.log")
            let port = try await first.port()
            let firstLog = first.log()
            #expect(firstLog.contains("creating the embedded PostgreSQL cluster"), "\(firstLog)")
            #expect(firstLog.contains("applied migration"), "\(firstLog)")
            #expect(FileManager.default.fileExists(atPath: home.dataDirectory + "/PG_VERSION"))
            let postmaster = try #require(home.postmasterPID(), "no postmaster.pid in \(home.dataDirectory)")
            #expect(home.clusterProcesses().contains(postmaster))
            let dataDirectoryInode = try #require(home.dataDirectoryInode())

            // 2. Admin commands with the same home find the server's cluster and leave it running.
            let terminal = try await home.loyalty("terminal", "add", "till-1", "--format", "json", "--log-level", "info")
            #expect(terminal.status == 0, "\(terminal.stderr)")
            #expect(terminal.stderr.contains("embedded PostgreSQL already running"), "\(terminal.stderr)")
            #expect(!terminal.stderr.contains("embedded PostgreSQL stopped"), "\(terminal.stderr)")
            let added = try terminal.jsonObject()
            #expect(added["terminal"] as? String == "till-1")
            let secret = try #require(added["secret"] as? String)

            let member = try await home.loyalty(
                "member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--format", "json")
            #expect(member.status == 0, "\(member.stderr)")
            let number = try #require(try member.jsonObject()["number"] as? String)
            #expect(home.postmasterPID() == postmaster, "the CLI must not stop or restart the server's cluster")
            #expect(home.clusterProcesses().contains(postmaster))
            #expect(first.process.isRunning)

            // 3. A till over TCP; the retry of a request gets the identical reply.
            let till = try await LineClient.connect(port: port)
            let auth = try await till.request("AUTH terminal=till-1 secret=\(secret)")
            #expect(auth.hasPrefix("OK terminal=till-1"), "\(auth)")
            let earn = "EARN req=r1 member=\(number) amount=25.99 currency=EUR"
            let earned = try await till.request(earn)
            #expect(earned.hasPrefix("OK "), "\(earned)")
            #expect(Self.fields(earned)["earned"] == "25", "\(earned)")
            #expect(Self.fields(earned)["points"] == "25", "\(earned)")
            #expect(try await till.request(earn) == earned)
            await till.close()

            // 4. SIGTERM: serve exits 0 and stops the cluster it started.
            let stopped = try await LoyaltyProcess.terminate(first.process, timeout: .seconds(30))
            #expect(stopped.reason == .exit && stopped.status == 0, "\(stopped)\n\(first.log())")
            #expect(first.log().contains("embedded PostgreSQL stopped"), "\(first.log())")
            #expect(home.postmasterPID() == nil, "serve left the cluster running")
            #expect(await home.clusterIsGone(), "processes still work in \(home.dataDirectory): \(home.clusterProcesses())")

            // 5. Restart: the same cluster (no initdb), its data, and the original reply to a retry.
            let second = try home.startServe(log: "serve-2.log")
            let secondPort = try await second.port()
            let secondLog = second.log()
            #expect(!secondLog.contains("creating the embedded PostgreSQL cluster"), "\(secondLog)")
            #expect(secondLog.contains("embedded PostgreSQL started"), "\(secondLog)")
            #expect(home.dataDirectoryInode() == dataDirectoryInode, "the data directory was replaced")

            let retry = try await LineClient.connect(port: secondPort)
            let reauth = try await retry.request("AUTH terminal=till-1 secret=\(secret)")
            #expect(reauth.hasPrefix("OK terminal=till-1"), "\(reauth)")
            #expect(try await retry.request(earn) == earned)
            let balance = try await retry.request("BALANCE member=\(number)")
            #expect(balance.hasPrefix("OK "), "\(balance)")
            #expect(Self.fields(balance)["points"] == "25", "\(balance)")
            await retry.close()

            let stoppedAgain = try await LoyaltyProcess.terminate(second.process, timeout: .seconds(30))
            #expect(stoppedAgain.reason == .exit && stoppedAgain.status == 0, "\(stoppedAgain)\n\(second.log())")
            #expect(home.postmasterPID() == nil, "serve left the cluster running")
            #expect(await home.clusterIsGone(), "processes still work in \(home.dataDirectory): \(home.clusterProcesses())")

            // 6. With no server running, a command starts the cluster itself and stops it when done.
            let shown = try await home.loyalty("member", "show", number, "--format", "json", "--log-level", "info")
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(try shown.jsonObject()["points"] as? Int == 25)
            #expect(shown.stderr.contains("embedded PostgreSQL started"), "\(shown.stderr)")
            #expect(shown.stderr.contains("embedded PostgreSQL stopped"), "\(shown.stderr)")
            #expect(home.postmasterPID() == nil, "the command left the cluster running")
            #expect(await home.clusterIsGone(), "processes still work in \(home.dataDirectory): \(home.clusterProcesses())")
        }
    }

    @Test("without PostgreSQL's server programs: a one-line error naming the package to install", arguments: [
        ["serve"],
        ["db", "status"],
    ])
    func missingServerPrograms(arguments: [String]) async throws {
        let directory = try makeTemporaryDirectory(prefix: "nobin-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: false)
        let outcome = try await LoyaltyProcess.run(
            arguments,
            environment: [
                "LOYALTY_HOME": directory + "/home", "LOYALTY_LISTEN": "127.0.0.1:0",
                // Neither the setting nor $PATH leads to initdb.
                "LOYALTY_PG_BIN": bin, "PATH": bin,
            ],
            timeout: .seconds(60))
        #expect(outcome.status != 0)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: CONFIGURATION: "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("server programs are missing"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("initdb"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("apt-get install postgresql"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/home/postgres"))
    }

    /// The `key=value` fields of a reply line.
    static func fields(_ reply: String) -> [String: String] {
        var fields: [String: String] = [:]
        for token in reply.split(separator: " ") {
            guard let equals = token.firstIndex(of: "=") else { continue }
            fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
        return fields
    }
}

// MARK: - A state directory for one test

/// Runs `body` with a fresh state directory (`<tmp>/home`, in a directory the cluster's user can pass through
/// when the tests run as root). Afterwards, whether `body` failed or not, kills every `serve` it started, stops
/// any cluster still running in the home, and deletes the directory.
private func withEmbeddedHome(_ body: (EmbeddedHome) async throws -> Void) async throws {
    let home = EmbeddedHome(directory: try makeTemporaryDirectory(prefix: "emb-"))
    do {
        try await body(home)
    } catch {
        await home.cleanUp()
        throw error
    }
    await home.cleanUp()
}

private final class EmbeddedHome {
    /// A `loyalty serve` child and its log.
    struct Serve {
        let process: Process
        let logFile: URL

        /// The port it listens on, from its "listening for terminals" line (it binds port 0).
        func port() async throws -> Int {
            let line = try await LoyaltyProcess.waitForLine(
                containing: "listening for terminals", in: logFile, of: process, timeout: .seconds(120))
            // address=[IPv4]127.0.0.1/127.0.0.1:PORT
            guard let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...])
            else { throw CLITestError.exited("no port in: \(line)") }
            return port
        }

        func log() -> String {
            (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        }
    }

    let directory: String
    let home: String
    private var started: [Process] = []

    init(directory: String) {
        self.directory = directory
        self.home = directory + "/home"
    }

    /// Where the embedded cluster keeps its data under the home (`EmbeddedPostgres.dataDirectory`).
    var dataDirectory: String { home + "/postgres/data" }

    /// Only the home: no database URL (``LoyaltyProcess`` drops every inherited `LOYALTY_` variable except
    /// those given here). `LOYALTY_PG_BIN` is passed on, as the tests' own cluster honours it.
    var environment: [String: String] {
        var environment = ["LOYALTY_HOME": home, "LOYALTY_ACTOR": "tests"]
        if let bin = ProcessInfo.processInfo.environment["LOYALTY_PG_BIN"], !bin.isEmpty {
            environment["LOYALTY_PG_BIN"] = bin
        }
        return environment
    }

    func loyalty(_ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: environment)
    }

    /// Starts `loyalty serve` on an ephemeral port.
    func startServe(log name: String) throws -> Serve {
        var environment = self.environment
        environment["LOYALTY_LISTEN"] = "127.0.0.1:0"
        let logFile = URL(fileURLWithPath: directory + "/" + name)
        let process = try LoyaltyProcess.start(["serve"], environment: environment, log: logFile)
        started.append(process)
        return Serve(process: process, logFile: logFile)
    }

    /// The PID in the cluster's `postmaster.pid`, or nil when there is none.
    func postmasterPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return nil }
        return pid_t(line.trimmingCharacters(in: .whitespaces))
    }

    func dataDirectoryInode() -> UInt64? {
        var info = stat()
        guard stat(dataDirectory, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// Processes working in the cluster's data directory: the postmaster and its children (Linux, via /proc).
    func clusterProcesses() -> [pid_t] {
        let expected = URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == expected
        }
    }

    /// Waits up to 30 seconds for the last process of the cluster to exit (also when the test has been cancelled
    /// by its time limit and is cleaning up).
    func clusterIsGone() async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while !clusterProcesses().isEmpty {
            guard ContinuousClock.now < deadline else { return false }
            if Task.isCancelled {
                usleep(50_000)
            } else {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return true
    }

    /// Kills what is left (serve children, then the cluster: SIGQUIT, an immediate shutdown) and deletes the
    /// directory.
    func cleanUp() async {
        for process in started { LoyaltyProcess.killIfRunning(process) }
        if let pid = postmasterPID(), pid > 0, pid != getpid() {
            kill(pid, SIGQUIT)
        }
        _ = await clusterIsGone()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A `loyalty serve` child for the fault tests, on an ephemeral port, and the port tills should use now
/// (it changes when the server is killed and started again).
final class FaultServer: @unchecked Sendable {
    private let environment: [String: String]
    private let directory: String
    private let lock = NSLock()
    private var current: Process?
    private var currentPort = 0
    private var starts = 0

    init(environment: [String: String], directory: String) {
        self.environment = environment
        self.directory = directory
    }

    /// The port of the running server (0 while none has started).
    var port: Int { lock.withLock { currentPort } }

    /// Starts a server and waits until it listens.
    func start() async throws {
        let log = lock.withLock { () -> URL in
            starts += 1
            return URL(fileURLWithPath: directory + "/serve-\(starts).log")
        }
        let process = try LoyaltyProcess.start(["serve"], environment: environment, log: log)
        lock.withLock { current = process }
        let line = try await LoyaltyProcess.waitForLine(containing: "listening for terminals", in: log, of: process, timeout: .seconds(60))
        guard let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
            let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...])
        else { throw CLITestError.exited("no port in: \(line)") }
        lock.withLock { currentPort = port }
    }

    /// Starts a server, runs `body` with it, and stops it whether `body` returns or throws.
    static func running<T>(
        environment: [String: String], directory: String, _ body: (FaultServer) async throws -> T
    ) async throws -> T {
        let server = FaultServer(environment: environment, directory: directory)
        try await server.start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// SIGKILL: no shutdown, no draining, connections cut.
    func kill9() {
        guard let process = lock.withLock({ current }) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if it does not stop in time.
    func stop() async {
        guard let process = lock.withLock({ current }) else { return }
        _ = try? await LoyaltyProcess.terminate(process, timeout: .seconds(20))
        LoyaltyProcess.killIfRunning(process)
    }

    /// Every server log so far, for failure messages.
    func logs() -> String {
        (1...max(1, lock.withLock { starts })).map {
            (try? String(contentsOfFile: directory + "/serve-\($0).log", encoding: .utf8)) ?? ""
        }.joined(separator: "\n---\n")
    }
}

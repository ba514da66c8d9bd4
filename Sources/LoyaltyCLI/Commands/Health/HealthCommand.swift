import ArgumentParser
import Foundation
import LoyaltyCore

/// `loyalty health [--address HOST:PORT] [--timeout SECONDS] [--no-database]`: a probe for load balancers,
/// systemd and monitoring. Exit 0 and one line when the server answers (and reaches its database), 1 otherwise.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that a running server answers and reaches its database (exit 0 or 1).",
        discussion: """
            Connects to the server's terminal port (--address, default the `listen` setting; 0.0.0.0 is asked \
            on 127.0.0.1), sends HEALTH (or PING with --no-database) and prints one line. Exit status 0: healthy; \
            1: not (no connection, no answer within --timeout, or the database unreachable); 64: bad arguments.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The server's terminal address, host:port (default: the listen setting).") var address: String?
    @Option(help: "Seconds to wait for the answer, 1 to 300 (default 5).") var timeout: String?
    @Flag(help: "Only check that the server answers (PING), not its database.") var noDatabase = false

    /// What `--format json` prints.
    struct Result: Encodable {
        let healthy: Bool
        let address: String
        let database: String
        let milliseconds: Int
        let error: String?
    }

    func run() async throws {
        let seconds: Int
        let (host, port): (String, Int)
        do {
            seconds = try timeout.map(Self.parseTimeout) ?? 5
            if let address {
                (host, port) = try Self.parseAddress(address)
            } else {
                let settings = try await Settings.load(options: options)
                (host, port) = (Self.reachable(settings.server.host), settings.server.port)
            }
        } catch let error as LoyaltyError {
            // Not 1, which a probe reads as "unhealthy": a mistyped probe must not look like an outage.
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(64)
        }
        let probe = HealthProbe(host: host, port: port, timeout: .seconds(seconds))
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let clock = ContinuousClock()
        let started = clock.now
        var result: Result
        do {
            let reply = try await probe.ask(noDatabase ? "PING" : "HEALTH")
            let elapsed = Self.milliseconds(clock.now - started)
            if reply.hasPrefix("OK") {
                result = Result(
                    healthy: true, address: shown, database: noDatabase ? "not checked" : "ok", milliseconds: elapsed, error: nil)
            } else {
                result = Result(healthy: false, address: shown, database: "unavailable", milliseconds: elapsed, error: reply)
            }
        } catch {
            result = Result(
                healthy: false, address: shown, database: "unknown", milliseconds: Self.milliseconds(clock.now - started),
                error: error.description)
        }
        switch options.format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        default:
            if result.healthy {
                print("OK: \(result.address) answered in \(result.milliseconds) ms, database \(result.database)")
            } else {
                print("UNHEALTHY: \(result.address): \(result.error ?? "no answer")")
            }
        }
        if !result.healthy { throw ExitCode.failure }
    }

    /// Whole seconds 1...300.
    static func parseTimeout(_ text: String) throws(LoyaltyError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 3, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let seconds = Int(text), (1...300).contains(seconds)
        else {
            throw .badArgument("timeout", "whole seconds 1...300 expected, got '\(text.prefix(12))'")
        }
        return seconds
    }

    static func parseAddress(_ text: String) throws(LoyaltyError) -> (String, Int) {
        let host: String
        let port: Int
        do {
            (host, port) = try Settings.hostAndPort(text)
        } catch {
            throw .badArgument("address", "host:port expected, got '\(text.prefix(64))'")
        }
        guard port > 0 else { throw .badArgument("address", "port 0 cannot be probed") }
        return (reachable(host), port)
    }

    /// A wildcard listen address is probed on the loopback interface.
    static func reachable(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "::1"
        default: host
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

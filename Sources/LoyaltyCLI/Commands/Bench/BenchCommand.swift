import ArgumentParser
import Foundation
import LoyaltyBench
import LoyaltyCore
import LoyaltyStore

/// `loyalty bench`: the project's load generator. Seeds its members, terminals and gift cards in the
/// database the settings name, then drives a running server over the terminal protocol.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Drive a running server with a load of terminals and report throughput, latency and errors.",
        discussion: """
            Seeds (only what is missing) members bench-1…bench-M, terminals bench-1…bench-N with secrets derived \
            from the installation key, and up to 10,000 gift cards, in the database of the usual settings; then \
            connects to the server at --host/--port. Meant for a test installation: the seeded records stay. \
            See docs/performance.md.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "The server's address.") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The server's port (default: the configured server.port, 7470).") var port: String?
    @Option(parsing: .unconditional, help: "Terminal connections, 1 to 10000.") var terminals = "32"
    @Option(parsing: .unconditional, help: "Requests in flight per connection (pipelining), 1 to 1024.") var depth = "1"
    @Option(help: "earn, balance, gift-redeem or mixed.") var mix = "earn"
    @Option(parsing: .unconditional, help: "Members seeded and named by the requests, 1 to 10000000.") var members = "100000"
    @Option(parsing: .unconditional, help: "Measured seconds (idle mode: seconds the connections are held).") var duration = "30"
    @Option(parsing: .unconditional, help: "Seconds of load before the measured time, not counted.") var warmup = "5"
    @Option(name: .customLong("server-pid"), parsing: .unconditional, help: "The server's process id: report its resident memory.") var serverPID: String?
    @Option(parsing: .unconditional, help: "Idle mode: open and hold this many connections instead of a load.") var idle: String?
    @Flag(name: .customLong("idle-no-auth"), help: "In idle mode, only PING each connection (no AUTH).") var idleNoAuth = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let configuration = try benchConfiguration(defaultPort: runtime.settings.server.port)
        if configuration.idleConnections != nil {
            let seed: BenchSeed? =
                configuration.idleWithoutAuth ? nil : try await seed(configuration, runtime: runtime, members: 0, giftCards: 0)
            let report = try await LoadGenerator.hold(configuration, seed: seed)
            try runtime.output.record(report.displayFields, json: report)
            guard report.held > 0 else {
                throw LoyaltyError(.unavailable, "no connection was held; is the server running on \(configuration.host):\(configuration.port)?")
            }
            return
        }
        let seed = try await seed(
            configuration, runtime: runtime, members: configuration.members,
            giftCards: configuration.mix.usesGiftCards ? configuration.giftCards : 0)
        let report = try await LoadGenerator.run(configuration, seed: seed)
        try runtime.output.record(report.displayFields, json: report)
        guard report.anySucceeded else {
            let reasons = report.measured.errors.merging(report.warmup.errors, uniquingKeysWith: +)
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let failures = report.connectionFailures
            throw LoyaltyError(
                .unavailable,
                "no request succeeded (connections refused \(failures.connect), authentication failed \(failures.auth)"
                    + (reasons.isEmpty ? "" : ", errors \(reasons.joined(separator: " "))")
                    + "); is the server running on \(configuration.host):\(configuration.port) with this database?")
        }
    }

    /// Every option read and checked before anything is seeded or connected.
    func benchConfiguration(defaultPort: Int) throws(LoyaltyError) -> BenchConfiguration {
        guard runtimeFormatIsSupported else {
            throw .badArgument("--format", "bench prints table or json")
        }
        let pid = try serverPID.map { text throws(LoyaltyError) in
            Int32(try BenchArguments.integer(text, option: "--server-pid", in: 1...Int(Int32.max)))
        }
        if let pid, ProcessMemory.read(pid: pid) == nil {
            throw .badArgument("--server-pid", "no process \(pid) whose memory can be read (/proc/\(pid)/status)")
        }
        let configuration = BenchConfiguration(
            host: host,
            port: try port.map { text throws(LoyaltyError) in try BenchArguments.integer(text, option: "--port", in: 1...65_535) }
                ?? defaultPort,
            terminals: try BenchArguments.integer(terminals, option: "--terminals", in: 1...BenchConfiguration.maximumTerminals),
            depth: try BenchArguments.integer(depth, option: "--depth", in: 1...BenchConfiguration.maximumDepth),
            mix: try BenchArguments.mix(mix),
            members: try BenchArguments.integer(members, option: "--members", in: 1...BenchConfiguration.maximumMembers),
            duration: .seconds(try BenchArguments.integer(duration, option: "--duration", in: 1...86_400)),
            warmup: .seconds(try BenchArguments.integer(warmup, option: "--warmup", in: 0...86_400)),
            serverPID: pid,
            idleConnections: try idle.map { text throws(LoyaltyError) in
                try BenchArguments.integer(text, option: "--idle", in: 1...BenchConfiguration.maximumIdleConnections)
            },
            idleWithoutAuth: idleNoAuth)
        try configuration.validate()
        return configuration
    }

    private var runtimeFormatIsSupported: Bool { options.format == .table || options.format == .json }

    private func seed(
        _ configuration: BenchConfiguration, runtime: CommandRuntime, members: Int, giftCards: Int
    ) async throws -> BenchSeed {
        let request = BenchSeedRequest(members: members, terminals: configuration.terminals, giftCards: giftCards)
        return try await runtime.withStore(installationKey: true) { store in
            try await store.seedBench(request, actor: runtime.actor)
        }
    }
}

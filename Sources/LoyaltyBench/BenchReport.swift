import Foundation

/// The outcome of a load run: what was sent, how fast it was answered, and what went wrong.
///
/// Requests belong to the phase in which they were sent: those sent during the warm-up are counted
/// apart (``warmup``), those sent during the measured time are the run's figures, even when their
/// reply arrives after its end (nothing is sent after it; the replies in flight are awaited).
public struct BenchReport: Sendable, Codable {
    /// Successes and `ERR` replies of one verb.
    public struct OperationCounts: Sendable, Codable, Equatable {
        public var succeeded: Int
        public var failed: Int
    }

    /// The replies of one phase.
    public struct Phase: Sendable, Codable, Equatable {
        public var requests: Int
        public var succeeded: Int
        /// By verb (`EARN`, `GIFT REDEEM` …); verbs not sent are absent.
        public var operations: [String: OperationCounts]
        /// `ERR` replies by code.
        public var errors: [String: Int]

        init(_ tally: PhaseTally) {
            requests = tally.requests
            succeeded = tally.successes
            errors = tally.errors
            var operations: [String: OperationCounts] = [:]
            for operation in BenchOperation.allCases {
                let counts = OperationCounts(succeeded: tally.succeeded[operation.rawValue], failed: tally.failed[operation.rawValue])
                if counts.succeeded + counts.failed > 0 { operations[operation.verb] = counts }
            }
            self.operations = operations
        }
    }

    /// Connections that could not be opened, whose `AUTH` failed, or that the server closed during the run.
    public struct ConnectionFailures: Sendable, Codable, Equatable {
        public var connect = 0
        public var auth = 0
        public var lost = 0
        /// Requests that were in flight on a lost connection (neither succeeded nor failed).
        public var unanswered = 0

        public var total: Int { connect + auth + lost }
    }

    /// The prefix of every `req` id of the run (`<run id>-<counter>`), unique across runs.
    public let runID: String
    public let mix: BenchMix
    public let terminals: Int
    public let depth: Int
    public let members: Int
    public let giftCards: Int
    /// Configured measured time and warm-up, in milliseconds.
    public let durationMilliseconds: Int64
    public let warmupMilliseconds: Int64
    /// From the end of the warm-up to the last reply of a measured request, in microseconds.
    public let elapsedMicroseconds: Int64
    /// Connections authenticated and sending.
    public let connected: Int
    public let connectionFailures: ConnectionFailures
    /// The measured phase.
    public let measured: Phase
    /// Requests per second of the measured phase (replies of either kind), to a tenth, from integers.
    public let throughput: Decimal
    public let latency: LatencySummary
    public let warmup: Phase
    /// The server's memory at the end, when `--server-pid` was given and the process was found.
    public let serverMemory: ProcessMemory?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", mix, terminals, depth, members
        case giftCards = "gift_cards"
        case durationMilliseconds = "duration_ms"
        case warmupMilliseconds = "warmup_ms"
        case elapsedMicroseconds = "elapsed_us"
        case connected
        case connectionFailures = "connection_failures"
        case measured, throughput
        case latency = "latency_us"
        case latencyMilliseconds = "latency_ms"
        case requests, succeeded, errors
        case warmup
        case serverMemory = "server_memory"
    }

    init(
        runID: String, configuration: BenchConfiguration, giftCards: Int, elapsedMicroseconds: Int64, connected: Int,
        connectionFailures: ConnectionFailures, measured: PhaseTally, latency: LatencySummary, warmup: PhaseTally,
        serverMemory: ProcessMemory?
    ) {
        self.runID = runID
        mix = configuration.mix
        terminals = configuration.terminals
        depth = configuration.depth
        members = configuration.members
        self.giftCards = giftCards
        durationMilliseconds = Self.milliseconds(configuration.duration)
        warmupMilliseconds = Self.milliseconds(configuration.warmup)
        self.elapsedMicroseconds = elapsedMicroseconds
        self.connected = connected
        self.connectionFailures = connectionFailures
        self.measured = Phase(measured)
        self.latency = latency
        self.warmup = Phase(warmup)
        self.serverMemory = serverMemory
        let requests = Int64(measured.requests)
        // Tenths of a request per second, rounded down: requests × 10^7 / µs.
        let tenths = elapsedMicroseconds > 0 ? requests * 10_000_000 / elapsedMicroseconds : 0
        throughput = Decimal(tenths) / 10
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        runID = try container.decode(String.self, forKey: .runID)
        mix = try container.decode(BenchMix.self, forKey: .mix)
        terminals = try container.decode(Int.self, forKey: .terminals)
        depth = try container.decode(Int.self, forKey: .depth)
        members = try container.decode(Int.self, forKey: .members)
        giftCards = try container.decode(Int.self, forKey: .giftCards)
        durationMilliseconds = try container.decode(Int64.self, forKey: .durationMilliseconds)
        warmupMilliseconds = try container.decode(Int64.self, forKey: .warmupMilliseconds)
        elapsedMicroseconds = try container.decode(Int64.self, forKey: .elapsedMicroseconds)
        connected = try container.decode(Int.self, forKey: .connected)
        connectionFailures = try container.decode(ConnectionFailures.self, forKey: .connectionFailures)
        measured = try container.decode(Phase.self, forKey: .measured)
        throughput = try container.decode(Decimal.self, forKey: .throughput)
        latency = try container.decode(LatencySummary.self, forKey: .latency)
        warmup = try container.decode(Phase.self, forKey: .warmup)
        serverMemory = try container.decodeIfPresent(ProcessMemory.self, forKey: .serverMemory)
    }

    /// The measured phase's totals also at the top level, and null for memory not measured, so that
    /// scripts find the headline figures without digging.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(mix, forKey: .mix)
        try container.encode(terminals, forKey: .terminals)
        try container.encode(depth, forKey: .depth)
        try container.encode(members, forKey: .members)
        try container.encode(giftCards, forKey: .giftCards)
        try container.encode(durationMilliseconds, forKey: .durationMilliseconds)
        try container.encode(warmupMilliseconds, forKey: .warmupMilliseconds)
        try container.encode(elapsedMicroseconds, forKey: .elapsedMicroseconds)
        try container.encode(connected, forKey: .connected)
        try container.encode(connectionFailures, forKey: .connectionFailures)
        try container.encode(measured.requests, forKey: .requests)
        try container.encode(measured.succeeded, forKey: .succeeded)
        try container.encode(measured.errors, forKey: .errors)
        try container.encode(measured, forKey: .measured)
        try container.encode(throughput, forKey: .throughput)
        try container.encode(latency, forKey: .latency)
        try container.encode(latency.inMilliseconds, forKey: .latencyMilliseconds)
        try container.encode(warmup, forKey: .warmup)
        if let serverMemory {
            try container.encode(serverMemory, forKey: .serverMemory)
        } else {
            try container.encodeNil(forKey: .serverMemory)
        }
    }

    /// Whether any request of the run (warm-up included) succeeded.
    public var anySucceeded: Bool { measured.succeeded + warmup.succeeded > 0 }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

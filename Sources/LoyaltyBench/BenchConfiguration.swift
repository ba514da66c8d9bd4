import LoyaltyCore

/// How `loyalty bench` runs: where the server is, how many terminals, what they send, for how long.
public struct BenchConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Connections, each authenticated as its own terminal `bench-1` … `bench-N`.
    public var terminals: Int
    /// Requests in flight per connection (pipelining); replies come back in order.
    public var depth: Int
    public var mix: BenchMix
    /// Members `bench-1` … `bench-M` the requests name (seeded when missing).
    public var members: Int
    /// The measured time, after `warmup` (which is run but not counted).
    public var duration: Duration
    public var warmup: Duration
    /// The server's process, whose resident memory is reported at the end.
    public var serverPID: Int32?
    /// Idle mode: hold this many connections instead of sending a load.
    public var idleConnections: Int?
    /// In idle mode: only `PING` each connection, without `AUTH`.
    public var idleWithoutAuth: Bool

    public init(
        host: String = "127.0.0.1", port: Int = 7470, terminals: Int = 32, depth: Int = 1, mix: BenchMix = .earn,
        members: Int = 100_000, duration: Duration = .seconds(30), warmup: Duration = .seconds(5), serverPID: Int32? = nil,
        idleConnections: Int? = nil, idleWithoutAuth: Bool = false
    ) {
        self.host = host
        self.port = port
        self.terminals = terminals
        self.depth = depth
        self.mix = mix
        self.members = members
        self.duration = duration
        self.warmup = warmup
        self.serverPID = serverPID
        self.idleConnections = idleConnections
        self.idleWithoutAuth = idleWithoutAuth
    }

    /// Gift cards seeded: 10,000, or one per member when there are fewer members.
    public var giftCards: Int { min(Self.maximumGiftCards, members) }
    public static let maximumGiftCards = 10_000

    /// The largest values accepted, so that a typo does not open a million sockets.
    public static let maximumTerminals = 10_000
    public static let maximumDepth = 1_024
    public static let maximumMembers = 10_000_000
    public static let maximumIdleConnections = 100_000
    public static let maximumDuration = Duration.seconds(86_400)

    /// Checks every value; the first wrong one is a `BAD_ARGUMENT` naming its option.
    public func validate() throws(LoyaltyError) {
        guard !host.isEmpty, host.count <= 253, !host.contains(where: { $0.isWhitespace }) else {
            throw .badArgument("--host", "must be a host name or address")
        }
        guard (1...65_535).contains(port) else { throw .badArgument("--port", "must be from 1 to 65535") }
        guard (1...Self.maximumTerminals).contains(terminals) else {
            throw .badArgument("--terminals", "must be from 1 to \(Self.maximumTerminals)")
        }
        guard (1...Self.maximumDepth).contains(depth) else { throw .badArgument("--depth", "must be from 1 to \(Self.maximumDepth)") }
        guard (1...Self.maximumMembers).contains(members) else {
            throw .badArgument("--members", "must be from 1 to \(Self.maximumMembers)")
        }
        guard duration > .zero, duration <= Self.maximumDuration else {
            throw .badArgument("--duration", "must be from 1 to 86400 seconds")
        }
        guard warmup >= .zero, warmup <= Self.maximumDuration else {
            throw .badArgument("--warmup", "must be from 0 to 86400 seconds")
        }
        if let serverPID, serverPID <= 0 { throw .badArgument("--server-pid", "must be a process id above 0") }
        if let idleConnections, !(1...Self.maximumIdleConnections).contains(idleConnections) {
            throw .badArgument("--idle", "must be from 1 to \(Self.maximumIdleConnections)")
        }
        if idleWithoutAuth, idleConnections == nil {
            throw .badArgument("--idle-no-auth", "only goes with --idle N")
        }
    }
}

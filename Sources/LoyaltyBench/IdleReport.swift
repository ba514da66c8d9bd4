import Foundation

/// The outcome of an idle run: how many connections were opened and held, and what it cost the server.
public struct IdleReport: Sendable, Codable {
    public let requested: Int
    /// Whether each connection authenticated (`AUTH`) or only sent `PING`.
    public let authenticated: Bool
    /// Connections opened and answered (`OK` to `AUTH` or `PING`).
    public let opened: Int
    /// Connection attempts refused or timed out.
    public let refused: Int
    /// Connections that opened but whose first request was not answered `OK`.
    public let firstRequestFailed: Int
    /// Connections answering the `PING` at the end of the hold.
    public let held: Int
    /// Opened connections whose final `PING` failed (closed by the server, or not `OK`).
    public let pingFailures: Int
    /// `ERR` replies by code (first request and final `PING`).
    public let errors: [String: Int]
    /// Connect time of one connection, up to the reply to its first request, in microseconds.
    public let connectLatency: LatencySummary
    /// From the first connection attempt until the last connection was ready, in milliseconds.
    public let openMilliseconds: Int64
    public let holdMilliseconds: Int64
    /// The server's memory while all connections were held, when `--server-pid` was given.
    public let serverMemory: ProcessMemory?

    enum CodingKeys: String, CodingKey {
        case requested, authenticated, opened, refused
        case firstRequestFailed = "first_request_failed"
        case held
        case pingFailures = "ping_failures"
        case errors
        case connectLatency = "connect_us"
        case openMilliseconds = "open_ms"
        case holdMilliseconds = "hold_ms"
        case serverMemory = "server_memory"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requested, forKey: .requested)
        try container.encode(authenticated, forKey: .authenticated)
        try container.encode(opened, forKey: .opened)
        try container.encode(refused, forKey: .refused)
        try container.encode(firstRequestFailed, forKey: .firstRequestFailed)
        try container.encode(held, forKey: .held)
        try container.encode(pingFailures, forKey: .pingFailures)
        try container.encode(errors, forKey: .errors)
        try container.encode(connectLatency, forKey: .connectLatency)
        try container.encode(openMilliseconds, forKey: .openMilliseconds)
        try container.encode(holdMilliseconds, forKey: .holdMilliseconds)
        if let serverMemory {
            try container.encode(serverMemory, forKey: .serverMemory)
        } else {
            try container.encodeNil(forKey: .serverMemory)
        }
    }

    init(
        requested: Int, authenticated: Bool, opened: Int, refused: Int, firstRequestFailed: Int, held: Int, pingFailures: Int,
        errors: [String: Int], connectLatency: LatencySummary, openMilliseconds: Int64, holdMilliseconds: Int64,
        serverMemory: ProcessMemory?
    ) {
        self.requested = requested
        self.authenticated = authenticated
        self.opened = opened
        self.refused = refused
        self.firstRequestFailed = firstRequestFailed
        self.held = held
        self.pingFailures = pingFailures
        self.errors = errors
        self.connectLatency = connectLatency
        self.openMilliseconds = openMilliseconds
        self.holdMilliseconds = holdMilliseconds
        self.serverMemory = serverMemory
    }
}

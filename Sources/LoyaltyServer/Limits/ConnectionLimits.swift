/// The server's limits against hostile or runaway clients, read once at start.
///
/// Every limit applies to one source address or one terminal, never to the server as a whole, so that
/// a client that hits one is cut off without affecting the others.
public struct ConnectionLimits: Sendable, Equatable {
    /// A line that is started but not finished (no LF) within this time closes the connection with
    /// `ERR LIMIT`; shorter than the idle time-out, it stops clients that trickle a line byte by byte.
    public var readTimeout: Duration
    /// Open connections allowed from one IP address; one more is answered `ERR LIMIT` and closed.
    /// Nil: no cap.
    public var maximumConnectionsPerAddress: Int?
    /// Requests per terminal (over all its connections); beyond it `ERR RATE_LIMITED`. Nil: no limit.
    public var terminalRate: RateLimit?
    /// Requests per source address (over all its connections, before and after AUTH). Nil: no limit.
    public var addressRate: RateLimit?
    /// Failed AUTHs from one address that are answered at once; every further AUTH from it waits
    /// ``authBackoffBase``, doubled with each further failure, at most ``authBackoffMaximum``.
    public var freeAuthFailures: Int
    public var authBackoffBase: Duration
    public var authBackoffMaximum: Duration
    /// An address's failures are forgotten when none was added for this long, or at a successful AUTH.
    public var authFailureWindow: Duration

    public init(
        readTimeout: Duration = .seconds(30), maximumConnectionsPerAddress: Int? = 2000,
        terminalRate: RateLimit? = RateLimit(perSecond: 200, burst: 1000),
        addressRate: RateLimit? = RateLimit(perSecond: 20_000, burst: 40_000),
        freeAuthFailures: Int = 3, authBackoffBase: Duration = .milliseconds(500),
        authBackoffMaximum: Duration = .seconds(30), authFailureWindow: Duration = .seconds(900)
    ) {
        self.readTimeout = readTimeout
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.terminalRate = terminalRate
        self.addressRate = addressRate
        self.freeAuthFailures = freeAuthFailures
        self.authBackoffBase = authBackoffBase
        self.authBackoffMaximum = authBackoffMaximum
        self.authFailureWindow = authFailureWindow
    }

    /// No caps and no rate limits (the read time-out and AUTH backoff stay): for benchmarks and tests.
    public static var unlimited: ConnectionLimits {
        ConnectionLimits(maximumConnectionsPerAddress: nil, terminalRate: nil, addressRate: nil)
    }
}

/// A token bucket's parameters: a steady rate and the burst allowed above it.
public struct RateLimit: Sendable, Equatable {
    /// Requests per second in the long run (at least 1).
    public var perSecond: Int
    /// Requests that may arrive at once after a quiet period (at least 1).
    public var burst: Int

    public init(perSecond: Int, burst: Int) {
        self.perSecond = max(1, perSecond)
        self.burst = max(1, burst)
    }
}

extension Duration {
    /// Whole nanoseconds, for NIO's timers and the limiters' integer clocks.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

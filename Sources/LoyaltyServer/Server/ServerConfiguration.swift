import LoyaltyCore

/// Settings of the terminal server, read once at start.
public struct ServerConfiguration: Sendable {
    /// Address to listen on; port 0 picks a free port (tests).
    public var host: String
    public var port: Int
    /// Longest request line accepted, without the LF.
    public var maximumLineLength: Int
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: Duration
    /// A request whose database call takes longer gets `ERR UNAVAILABLE`; a retry with the same `req`
    /// is safe whatever happened to the first attempt.
    public var requestTimeout: Duration
    /// How long graceful shutdown waits for in-flight requests before closing connections anyway.
    public var shutdownGracePeriod: Duration
    public var earnRates: EarnRates
    /// The TLS listener (`server.tls.*`); nil: none.
    public var tls: TerminalTLS?
    /// Whether the plaintext listener on ``port`` runs (`server.plaintext`); off only with ``tls`` set.
    public var plaintext: Bool
    /// How long a connection's AUTH is trusted before the next request re-reads the terminal's secrets
    /// (`server.credential-check-seconds`): a rotation's expired old secret is refused on open connections
    /// at most this late. Zero: every request re-reads them.
    public var credentialCheckInterval: Duration
    /// Caps, rate limits, the read time-out and the AUTH backoff against hostile clients.
    public var limits = ConnectionLimits()
    /// Region for phone numbers written without a country code.
    public var defaultRegion: PhoneNumber.Region

    public init(
        host: String = "127.0.0.1", port: Int = 7470, maximumLineLength: Int = 8192, idleTimeout: Duration = .seconds(300),
        requestTimeout: Duration = .seconds(10), shutdownGracePeriod: Duration = .seconds(10),
        earnRates: EarnRates = .standard, defaultRegion: PhoneNumber.Region = .unitedStates,
        tls: TerminalTLS? = nil, plaintext: Bool = true, credentialCheckInterval: Duration = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.maximumLineLength = maximumLineLength
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.earnRates = earnRates
        self.defaultRegion = defaultRegion
        self.tls = tls
        self.plaintext = plaintext
        self.credentialCheckInterval = credentialCheckInterval
    }
}

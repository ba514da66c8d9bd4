import PostgresNIO

extension PostgresClient.Configuration {
    /// Makes PostgreSQL cancel any statement, and any lock wait, that runs longer than `limit` on the
    /// pool's connections. The terminal server sets it to its request time-out: a request the till was
    /// told to retry then cannot hold a connection and its locks much longer than that.
    public mutating func limitStatements(to limit: Duration) {
        let (seconds, attoseconds) = limit.components
        let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        options.additionalStartupParameters += [
            ("statement_timeout", "\(milliseconds)"), ("lock_timeout", "\(milliseconds)"),
        ]
    }
}

import Configuration
import LoyaltyCore
import LoyaltyServer

extension Settings {
    /// The limits against hostile clients from `server.read-timeout-seconds`,
    /// `server.max-connections-per-address`, `server.terminal-rate`/`-burst`, `server.address-rate`/`-burst`,
    /// `server.auth-free-failures`, `server.auth-backoff-max-seconds` and `server.auth-failure-window-seconds`
    /// (docs/operations.md, "Limits and abuse"). A cap or rate of 0 switches it off.
    static func connectionLimits(_ config: ConfigReader) throws(LoyaltyError) -> ConnectionLimits {
        func rate(_ name: String, default perSecond: Int, burst: Int) throws(LoyaltyError) -> RateLimit? {
            let rate = try integer(config, ConfigKey("server.\(name)-rate"), default: perSecond, in: 0...10_000_000)
            let burst = try integer(config, ConfigKey("server.\(name)-burst"), default: max(burst, rate), in: 1...10_000_000)
            guard rate > 0 else { return nil }
            return RateLimit(perSecond: rate, burst: burst)
        }
        let defaults = ConnectionLimits()
        let cap = try integer(config, "server.max-connections-per-address", default: 2000, in: 0...10_000_000)
        return ConnectionLimits(
            readTimeout: .seconds(try integer(config, "server.read-timeout-seconds", default: 30, in: 1...86_400)),
            maximumConnectionsPerAddress: cap == 0 ? nil : cap,
            terminalRate: try rate("terminal", default: 200, burst: 1000),
            addressRate: try rate("address", default: 20_000, burst: 40_000),
            freeAuthFailures: try integer(config, "server.auth-free-failures", default: 3, in: 0...1000),
            authBackoffBase: defaults.authBackoffBase,
            authBackoffMaximum: .seconds(try integer(config, "server.auth-backoff-max-seconds", default: 30, in: 1...3600)),
            authFailureWindow: .seconds(
                try integer(config, "server.auth-failure-window-seconds", default: 900, in: 1...86_400)))
    }
}

import Configuration
import LoyaltyCore

/// Where `serve` answers Prometheus' scrapes: `metrics.port` (unset: no metrics endpoint) and `metrics.host`.
struct MetricsSettings: Sendable, Equatable {
    var host: String
    var port: Int
}

extension Settings {
    /// `metrics.port` (0...65535; 0 picks a free port, logged at start) and `metrics.host` (default 127.0.0.1:
    /// the metrics are for the monitoring host, not for the tills). Without `metrics.port`, nil: off.
    static func metricsSettings(_ config: ConfigReader) throws(LoyaltyError) -> MetricsSettings? {
        let host = config.string(forKey: "metrics.host", default: "127.0.0.1")
        guard config.int(forKey: "metrics.port") != nil || config.string(forKey: "metrics.port") != nil else { return nil }
        let port = try integer(config, "metrics.port", default: 0, in: 0...65535)
        guard !host.isEmpty else { throw LoyaltyError(.configuration, "metrics.host must not be empty") }
        return MetricsSettings(host: host, port: port)
    }
}

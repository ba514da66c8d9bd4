import Logging
import LoyaltyServer
import Metrics
import Prometheus

/// Makes Prometheus the process's swift-metrics backend and the endpoint that serves it (`serve`, with
/// `metrics.port` set). Bootstrapping is once per process, so this is called once, before the server's
/// metric objects are made.
enum PrometheusBootstrap {
    /// Request latencies from a fast lookup to a request that ran into the time-out.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    static func endpoint(_ settings: MetricsSettings, poolSize: Int, logger: Logger) -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        MetricsSystem.bootstrap(factory)
        // PostgresNIO keeps its pool's figures to itself; the configured size is what `calls in flight` is against.
        Gauge(label: "loyalty_database_pool_size").record(poolSize)
        return MetricsEndpoint(host: settings.host, port: settings.port, logger: logger, render: { registry.emitToBuffer() })
    }
}

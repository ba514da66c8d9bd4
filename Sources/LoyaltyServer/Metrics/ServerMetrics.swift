import Metrics
import LoyaltyCore
import LoyaltyProtocol
import NIOConcurrencyHelpers

/// The terminal server's metrics, recorded through the swift-metrics API (the backend, Prometheus in
/// `loyalty serve`, is the caller's choice). Every metric object is made once, here or on the first use
/// of an error code, so a request costs a dictionary lookup and a few atomic updates.
///
/// | name | kind | labels |
/// |---|---|---|
/// | `loyalty_requests_total` | counter | `verb`, `result` (`ok` or the error code) |
/// | `loyalty_request_duration_seconds` | histogram | `verb` |
/// | `loyalty_connections_open` | gauge | |
/// | `loyalty_connections_accepted_total` | counter | |
/// | `loyalty_database_calls_in_flight` | gauge | |
/// | `loyalty_database_errors_total` | counter | `code` (`UNAVAILABLE`, `INTERNAL`) |
public struct ServerMetrics: Sendable {
    /// The `verb` label of a line that did not parse into a request (its verb is not trusted as a label).
    static let invalidVerb = "INVALID"

    private let verbs: [String: VerbMetrics]
    private let invalid: VerbMetrics
    let connectionsOpen: Meter
    let connectionsAccepted: Counter
    let databaseCallsInFlight: Meter
    private let databaseUnavailable: Counter
    private let databaseInternal: Counter

    /// - Parameter factory: where the metrics go; `MetricsSystem.factory` (a no-op until bootstrapped) by default.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        var verbs: [String: VerbMetrics] = [:]
        for entry in HelpText.entries {
            guard let verb = entry["verb"] else { continue }
            verbs[verb] = VerbMetrics(verb: verb, factory: factory)
        }
        self.verbs = verbs
        invalid = VerbMetrics(verb: Self.invalidVerb, factory: factory)
        connectionsOpen = Meter(label: "loyalty_connections_open", factory: factory)
        connectionsAccepted = Counter(label: "loyalty_connections_accepted_total", factory: factory)
        databaseCallsInFlight = Meter(label: "loyalty_database_calls_in_flight", factory: factory)
        databaseUnavailable = Counter(
            label: "loyalty_database_errors_total", dimensions: [("code", LoyaltyError.Code.unavailable.rawValue)],
            factory: factory)
        databaseInternal = Counter(
            label: "loyalty_database_errors_total", dimensions: [("code", LoyaltyError.Code.internal.rawValue)],
            factory: factory)
    }

    /// Counts one answered request and its time; `verb` nil for a line that did not parse.
    func recordRequest(verb: String?, reply: Reply, duration: Duration) {
        let metrics = verb.flatMap { verbs[$0] } ?? invalid
        switch reply {
        case .ok, .list: metrics.ok.increment()
        case .error(let error): metrics.errorCounter(error.code).increment()
        }
        metrics.duration.recordNanoseconds(Self.nanoseconds(duration))
    }

    /// Counts a store call that failed because of the database (unreachable, timed out, or unexpected).
    func recordDatabaseError(_ code: LoyaltyError.Code) {
        if code == .unavailable {
            databaseUnavailable.increment()
        } else if code == .internal {
            databaseInternal.increment()
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// One verb's counters and latency histogram. Error counters are made on first use of each code.
private final class VerbMetrics: Sendable {
    let verb: String
    let ok: Counter
    let duration: Timer
    let factory: any MetricsFactory
    private let errors = NIOLockedValueBox<[String: Counter]>([:])

    init(verb: String, factory: any MetricsFactory) {
        self.verb = verb
        self.factory = factory
        ok = Counter(label: "loyalty_requests_total", dimensions: [("verb", verb), ("result", "ok")], factory: factory)
        duration = Timer(label: "loyalty_request_duration_seconds", dimensions: [("verb", verb)], factory: factory)
    }

    func errorCounter(_ code: LoyaltyError.Code) -> Counter {
        errors.withLockedValue { errors in
            if let counter = errors[code.rawValue] { return counter }
            let counter = Counter(
                label: "loyalty_requests_total", dimensions: [("verb", verb), ("result", code.rawValue)], factory: factory)
            errors[code.rawValue] = counter
            return counter
        }
    }
}

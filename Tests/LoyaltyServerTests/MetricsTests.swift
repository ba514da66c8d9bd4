import Foundation
import LoyaltyServer
import LoyaltyTesting
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("Metrics: counters over TCP, scraped over HTTP (PostgreSQL, TCP, HTTP)", .timeLimit(.minutes(3)))
struct MetricsTests {
    @Test("requests by verb and result, latencies, connections and database errors move by the right amounts")
    func countersMove() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await withOpenClients {
            try await withMetricsEndpoint(registry) { metricsPort in
                try await withTestServer(metrics: metrics) { server in
                    let before = try await Scrape.get(port: metricsPort)
                    #expect(before.value("loyalty_requests_total", ["verb": "PING", "result": "ok"]) == 0)

                    let till = try await server.till("till-1")
                    #expect(try await till.pings())
                    #expect(try await till.pings())
                    let member = try await till.enroll()
                    try await till.earn(member, points: 7)
                    #expect(try await till.err("BALANCE member=0000000000") != nil)
                    #expect(try await till.err("FROBNICATE x=1") == "UNKNOWN_COMMAND")
                    let second = try await server.open()
                    #expect(try await second.err("BALANCE member=\(member)") == "AUTH_REQUIRED")

                    let after = try await Scrape.get(port: metricsPort)
                    #expect(after.value("loyalty_requests_total", ["verb": "PING", "result": "ok"]) == 2)
                    #expect(after.value("loyalty_requests_total", ["verb": "AUTH", "result": "ok"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "ENROLL", "result": "ok"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "EARN", "result": "ok"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "BALANCE", "result": "BAD_ARGUMENT"]) == 1
                        || after.value("loyalty_requests_total", ["verb": "BALANCE", "result": "NOT_FOUND"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "BALANCE", "result": "AUTH_REQUIRED"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "INVALID", "result": "UNKNOWN_COMMAND"]) == 1)
                    #expect(after.value("loyalty_request_duration_seconds_count", ["verb": "PING"]) == 2)
                    #expect(after.value("loyalty_request_duration_seconds_count", ["verb": "EARN"]) == 1)
                    #expect((after.value("loyalty_request_duration_seconds_sum", ["verb": "EARN"]) ?? 0) > 0)
                    #expect(after.value("loyalty_connections_open", [:]) == 2)
                    #expect(after.value("loyalty_connections_accepted_total", [:]) == 2)
                    #expect(after.value("loyalty_database_calls_in_flight", [:]) == 0)
                    #expect(after.value("loyalty_database_errors_total", ["code": "UNAVAILABLE"]) == 0)
                    #expect(after.types["loyalty_requests_total"] == "counter")
                    #expect(after.types["loyalty_request_duration_seconds"] == "histogram")
                    #expect(after.types["loyalty_connections_open"] == "gauge")

                    await second.close()
                    try await waitUntil { try await Scrape.get(port: metricsPort).value("loyalty_connections_open", [:]) == 1 }
                }
            }
        }
    }

    @Test("a request that runs into the time-out counts as a database error")
    func databaseErrorsCount() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await withOpenClients {
            try await withMetricsEndpoint(registry) { metricsPort in
                try await withTestServer(metrics: metrics, configure: { $0.requestTimeout = .seconds(1) }) { server in
                    let till = try await server.till("till-1")
                    let member = try await till.enroll()
                    let lock = try await RowLock.account(server.database, member: member)
                    let code = try await till.err("EARN req=slow-1 member=\(member) points=5")
                    try await lock.release()
                    #expect(code == "UNAVAILABLE")
                    let after = try await Scrape.get(port: metricsPort)
                    #expect(after.value("loyalty_database_errors_total", ["code": "UNAVAILABLE"]) == 1)
                    #expect(after.value("loyalty_requests_total", ["verb": "EARN", "result": "UNAVAILABLE"]) == 1)
                }
            }
        }
    }

    @Test("the endpoint answers 404 elsewhere and 405 to other methods")
    func otherPaths() async throws {
        let registry = PrometheusCollectorRegistry()
        try await withMetricsEndpoint(registry) { port in
            #expect(try await Scrape.raw(port: port, "GET / HTTP/1.1").status == 404)
            #expect(try await Scrape.raw(port: port, "POST /metrics HTTP/1.1").status == 405)
            let ok = try await Scrape.raw(port: port, "GET /metrics HTTP/1.1")
            #expect(ok.status == 200)
            #expect(ok.headers.contains { $0.lowercased() == "content-type: \(MetricsEndpoint.contentType)" })
        }
    }
}

/// Runs `body` with a metrics endpoint for `registry` on an ephemeral port.
func withMetricsEndpoint<T: Sendable>(
    _ registry: PrometheusCollectorRegistry, _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let endpoint = MetricsEndpoint(
        host: "127.0.0.1", port: 0, logger: .init(label: "metrics-test"), render: { registry.emitToBuffer() },
        onRunning: { address in
            continuation.yield(address.port ?? 0)
            continuation.finish()
        })
    return try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await endpoint.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw TestServerError.noPort }
            let result: T
            do {
                result = try await body(port)
            } catch {
                trigger.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}

/// Polls `condition` for up to five seconds.
func waitUntil(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 5 s")
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

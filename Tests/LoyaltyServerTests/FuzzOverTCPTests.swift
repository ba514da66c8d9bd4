import LoyaltyCore
import LoyaltyProtocol
import LoyaltyServer
import LoyaltyTestSupport
import LoyaltyTesting
import NIOCore
import Testing

/// The codec fuzzer against a running server: hostile lines over a few connections, authenticated and
/// not, each answered by one well-formed reply; afterwards the server is up and a normal till works.
/// `LOYALTY_FUZZ_SEED` and `LOYALTY_FUZZ_ITERATIONS` (lines per connection) run it longer by hand.
@Suite("Codec fuzzer over TCP (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct FuzzOverTCPTests {
    static let parser = RequestParser(defaultRegion: .unitedStates)

    @Test("thousands of hostile lines: one well-formed reply each, the server stays up")
    func hostileLinesOverTCP() async throws {
        let budget = HostileLineGenerator.Budget.fromEnvironment(iterations: 800, seconds: 20)
        // Fuzzing AUTH is part of the point: the AUTH backoff and rate limits would only slow it down.
        try await withServer(configure: { $0.limits = .unlimited; $0.limits.freeAuthFailures = .max }) { server in
            let member = try await server.till("till-0").enroll()
            let lines = try await withThrowingTaskGroup(of: Int.self) { group in
                for connection in 0..<4 {
                    let client = connection < 2 ? try await server.till("till-\(connection + 1)") : try await server.open()
                    group.addTask {
                        var generator = HostileLineGenerator(seed: budget.seed &+ UInt64(connection))
                        let clock = ContinuousClock()
                        let deadline = clock.now + .milliseconds(Int64(budget.seconds * 1000))
                        var sent = 0
                        while sent < budget.iterations, clock.now < deadline {
                            let line = Self.sendable(generator.next())
                            guard let line else { continue }
                            try await client.sendRaw(line + [UInt8(ascii: "\n")])
                            try await Self.checkReply(client, to: line, budget: budget)
                            sent += 1
                        }
                        return sent
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(lines >= 400, "only \(lines) lines in the time (\(budget))")
            // The server is up: a new till authenticates and earns.
            let till = try await server.till("till-after")
            #expect(try await till.pings())
            #expect(try await till.earn(member, points: 3)["points"] != nil)
        }
    }

    /// The line as it can be sent on its own: no LF inside (it would make two requests), not QUIT (it
    /// would end the connection), not longer than the limit (LINE_TOO_LONG closes the connection), not blank.
    static func sendable(_ bytes: [UInt8]) -> [UInt8]? {
        let line = Array(bytes.prefix(8000).map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: " ") : $0 })
        // The server strips one CR before the LF: "\r" alone is a blank line, which gets no reply.
        let content = line.last == UInt8(ascii: "\r") ? Array(line.dropLast()) : line
        if RequestParser.isBlank(ByteBuffer(bytes: content)) { return nil }
        if case .quit? = try? parser.parse(ByteBuffer(bytes: line)) { return nil }
        return line
    }

    /// Reads the reply to one line: an `OK` line (and its list items), or one `ERR CODE message` line.
    static func checkReply(_ client: LineClient, to line: [UInt8], budget: HostileLineGenerator.Budget) async throws {
        let shown = String(decoding: line.prefix(80), as: UTF8.self).debugDescription
        guard let reply = try await client.readLine() else {
            Issue.record("connection closed after \(shown) (\(budget))")
            throw LineClientError.closed
        }
        #expect(!reply.contains("\r") && reply.utf8.count <= 4096, "\(reply) for \(shown) (\(budget))")
        switch try? ReplyLine.parse(reply) {
        case .ok(let fields)?:
            let count = fields["count"].flatMap(Int.init) ?? 0
            for _ in 0..<count { _ = try await client.readLine() }
        case .error(let code, let message)?:
            #expect(Self.codes.contains(code) && message.count <= 200, "\(reply) for \(shown) (\(budget))")
        case nil:
            Issue.record("unreadable reply \(reply) for \(shown) (\(budget))")
        }
    }

    /// What hostile lines may get: refusals of the line, of the session, and of the data.
    static let codes: Set<String> = [
        "BAD_REQUEST", "UNKNOWN_COMMAND", "MISSING_ARGUMENT", "BAD_ARGUMENT", "AUTH_REQUIRED", "AUTH_FAILED", "NOT_FOUND",
        "ALREADY_EXISTS", "IDEMPOTENCY_CONFLICT", "REWARD_UNAVAILABLE", "INSUFFICIENT_POINTS", "REVERSAL_LIMIT",
        "VOUCHER_USED", "VOUCHER_EXPIRED", "RATE_LIMITED", "CURRENCY_MISMATCH", "MEMBER_INACTIVE",
    ]
}

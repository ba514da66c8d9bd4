@testable import LoyaltyServer
import NIOCore
import Testing

/// The limiters' values and shared table, without sockets: token buckets, AUTH backoff, per-address counts.
@Suite("Client limiter")
struct ClientLimiterTests {
    static let second: Int64 = 1_000_000_000

    @Test("a token bucket allows its burst at once, then its rate, and refills exactly")
    func tokenBucket() {
        var bucket = TokenBucket(RateLimit(perSecond: 4, burst: 3), now: 0)
        #expect(Self.take(3, from: &bucket, now: 0) == 3)
        #expect(Self.take(1, from: &bucket, now: 0) == 0)
        #expect(Self.take(1, from: &bucket, now: Self.second / 4 - 1) == 0)
        #expect(Self.take(2, from: &bucket, now: Self.second / 4) == 1)
        // A long pause refills to the burst, not beyond.
        #expect(!bucket.isFull(now: Self.second / 2))
        #expect(bucket.isFull(now: 1000 * Self.second))
        #expect(Self.take(3, from: &bucket, now: 1000 * Self.second) == 3)
        #expect(Self.take(1, from: &bucket, now: 1000 * Self.second) == 0)
        // A clock that goes backwards gives nothing.
        #expect(Self.take(1, from: &bucket, now: 0) == 0)
    }

    /// How many of `count` takes at `now` succeed.
    static func take(_ count: Int, from bucket: inout TokenBucket, now: Int64) -> Int {
        var taken = 0
        for _ in 0..<count where bucket.take(now: now) { taken += 1 }
        return taken
    }

    @Test("a huge rate and burst do not overflow")
    func tokenBucketBounds() {
        var bucket = TokenBucket(RateLimit(perSecond: 10_000_000, burst: 10_000_000), now: 0)
        #expect(Self.take(1, from: &bucket, now: Int64.max / 2) == 1)
        #expect(bucket.isFull(now: Int64.max))
    }

    @Test("AUTH failures: the free ones wait nothing, then the delay doubles up to the maximum and is forgotten")
    func authBackoff() {
        let limits = ConnectionLimits(
            freeAuthFailures: 3, authBackoffBase: .milliseconds(500), authBackoffMaximum: .seconds(4),
            authFailureWindow: .seconds(60))
        var failures = AuthFailures()
        var delays: [Duration?] = []
        for _ in 0..<8 {
            delays.append(failures.delay(now: 0, limits: limits))
            failures.fail(now: 0, limits: limits)
        }
        #expect(delays == [nil, nil, nil, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4)])
        #expect(failures.delay(now: 60 * Self.second, limits: limits) == .seconds(4))
        #expect(failures.delay(now: 61 * Self.second, limits: limits) == nil)
        failures.fail(now: 61 * Self.second, limits: limits)
        #expect(failures.count == 1)
        // Many failures do not overflow the doubling.
        for _ in 0..<100 { failures.fail(now: 62 * Self.second, limits: limits) }
        #expect(failures.delay(now: 62 * Self.second, limits: limits) == .seconds(4))
    }

    @Test("connections are counted per address; the cap refuses only that address")
    func connectionCounts() {
        let limiter = ClientLimiter(ConnectionLimits(maximumConnectionsPerAddress: 2))
        let one = ClientLimiter.Source("10.0.0.1")
        let two = ClientLimiter.Source("10.0.0.2")
        #expect(limiter.openConnection(from: one) && limiter.openConnection(from: one))
        #expect(!limiter.openConnection(from: one))
        #expect(limiter.openConnection(from: two))
        limiter.closeConnection(from: one)
        #expect(limiter.openConnections(from: "10.0.0.1") == 1)
        #expect(limiter.openConnection(from: one))
        for _ in 0..<2 { limiter.closeConnection(from: one) }
        limiter.closeConnection(from: one)
        #expect(limiter.openConnections(from: "10.0.0.1") == 0)
    }

    @Test("rates are per address and per terminal; an address's failed AUTHs do not slow another address")
    func ratesAndAuthPerKey() {
        let limiter = ClientLimiter(
            ConnectionLimits(terminalRate: RateLimit(perSecond: 1, burst: 2), addressRate: RateLimit(perSecond: 1, burst: 3)))
        let one = ClientLimiter.Source("10.0.0.1")
        let two = ClientLimiter.Source("10.0.0.2")
        #expect((0..<3).allSatisfy { _ in limiter.allowRequest(from: one, terminal: nil) })
        #expect(!limiter.allowRequest(from: one, terminal: nil))
        #expect(limiter.allowRequest(from: two, terminal: 7) && limiter.allowRequest(from: two, terminal: 7))
        #expect(!limiter.allowRequest(from: two, terminal: 7), "terminal 7's burst is 2")
        #expect(limiter.allowRequest(from: ClientLimiter.Source("10.0.0.3"), terminal: 8), "terminal 8 has its own bucket")
        for _ in 0..<5 { limiter.authFailed(from: one) }
        #expect(limiter.authDelay(for: one) != nil)
        #expect(limiter.authDelay(for: two) == nil)
        limiter.authSucceeded(from: one)
        #expect(limiter.authDelay(for: one) == nil)
    }

    @Test("tables of many addresses are swept of entries that carry nothing")
    func sweeping() {
        let limiter = ClientLimiter(ConnectionLimits(addressRate: RateLimit(perSecond: 1_000_000, burst: 1)))
        var allowed = true
        for index in 0..<(ClientLimiter.sweepThreshold * ClientLimiter.stripeCount * 2) {
            let source = ClientLimiter.Source("10.\(index >> 16).\((index >> 8) & 255).\(index & 255)")
            allowed = limiter.allowRequest(from: source, terminal: nil) && allowed
        }
        #expect(allowed)
        #expect(limiter.trackedAddresses <= ClientLimiter.sweepThreshold * ClientLimiter.stripeCount + ClientLimiter.stripeCount)
    }

    @Test("AUTH is recognised by its first token in any case, and nothing else is")
    func authLine() {
        for line in ["AUTH terminal=a secret=b", "auth", " \tAuth x=1", "aUtH\tterminal=x"] {
            #expect(AuthLine.matches(ByteBuffer(string: line)), "\(line)")
        }
        for line in ["", "AUT", "AUTHX terminal=a", "PING AUTH", "AUTH=1", "\u{0}AUTH", "AU\u{0}H"] {
            #expect(!AuthLine.matches(ByteBuffer(string: line)), "\(line)")
        }
    }
}

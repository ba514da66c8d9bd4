/// A token bucket in integer arithmetic: ``RateLimit/burst`` tokens, refilled at ``RateLimit/perSecond``.
///
/// Tokens are counted in billionths so that the refill of any elapsed number of nanoseconds is exact;
/// a pure value, driven by the caller's clock.
struct TokenBucket: Sendable, Equatable {
    private static let scale: Int64 = 1_000_000_000

    let limit: RateLimit
    /// Tokens times ``scale``.
    private var level: Int64
    /// The clock reading (nanoseconds) `level` refers to.
    private var updated: Int64

    /// A full bucket at `now`.
    init(_ limit: RateLimit, now: Int64) {
        self.limit = limit
        self.level = Int64(limit.burst) * Self.scale
        self.updated = now
    }

    /// Takes one token if there is one; returns whether the request may go ahead.
    mutating func take(now: Int64) -> Bool {
        refill(now: now)
        guard level >= Self.scale else { return false }
        level -= Self.scale
        return true
    }

    /// Whether the bucket would be full at `now`: such a bucket can be forgotten and recreated.
    func isFull(now: Int64) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.level == Int64(limit.burst) * Self.scale
    }

    private mutating func refill(now: Int64) {
        let capacity = Int64(limit.burst) * Self.scale
        let rate = Int64(limit.perSecond)
        let elapsed = max(0, now - updated)
        // Past the time to fill up from empty, the bucket is full: bounding `elapsed` keeps the product small.
        let toFull = (capacity - level + rate - 1) / rate
        level = elapsed >= toFull ? capacity : min(capacity, level + elapsed * rate)
        updated = max(updated, now)
    }
}

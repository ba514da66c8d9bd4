/// The failed AUTHs of one source address, and the delay they earn its next AUTH. A pure value.
struct AuthFailures: Sendable, Equatable {
    private(set) var count = 0
    /// Clock reading (nanoseconds) of the last failure.
    private(set) var last: Int64 = 0

    mutating func fail(now: Int64, limits: ConnectionLimits) {
        if isForgotten(now: now, limits: limits) { count = 0 }
        count += 1
        last = now
    }

    /// How long the next AUTH waits: nothing for the first ``ConnectionLimits/freeAuthFailures``, then
    /// the base delay doubled per further failure, at most the maximum.
    func delay(now: Int64, limits: ConnectionLimits) -> Duration? {
        guard !isForgotten(now: now, limits: limits), count >= limits.freeAuthFailures else { return nil }
        let doublings = min(count - limits.freeAuthFailures, 30)
        let base = limits.authBackoffBase.nanoseconds
        let maximum = limits.authBackoffMaximum.nanoseconds
        let (delay, overflow) = base.multipliedReportingOverflow(by: Int64(1) << doublings)
        return .nanoseconds(overflow ? maximum : min(delay, maximum))
    }

    func isForgotten(now: Int64, limits: ConnectionLimits) -> Bool {
        count == 0 || now - last > limits.authFailureWindow.nanoseconds
    }
}

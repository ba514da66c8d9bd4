import NIOConcurrencyHelpers
import NIOCore

/// The shared state of ``ConnectionLimits``: open connections per address, the token buckets of
/// addresses and terminals, and the failed AUTHs per address.
///
/// Requests touch only the buckets, which live in ``stripeCount`` independently locked tables chosen by
/// the key's hash, so that connections rarely wait for each other's lock (a request takes at most two
/// uncontended locks and two dictionary look-ups). Connection counts change only at accept and close.
final class ClientLimiter: Sendable {
    static let stripeCount = 64
    /// A table this large is swept of entries that carry no information (full buckets, forgotten failures).
    static let sweepThreshold = 4096

    let limits: ConnectionLimits
    private let connections = NIOLockedValueBox<[String: Int]>([:])
    private let stripes: [NIOLockedValueBox<Stripe>]

    private struct Stripe {
        var addresses: [String: TokenBucket] = [:]
        var terminals: [Int64: TokenBucket] = [:]
        var authFailures: [String: AuthFailures] = [:]
    }

    /// A connection's source address with its stripe, computed once per connection.
    struct Source: Sendable {
        let address: String
        fileprivate let stripe: Int

        init(_ address: String) {
            self.address = address
            self.stripe = Int(UInt(bitPattern: address.hashValue) % UInt(ClientLimiter.stripeCount))
        }

        /// The IP address of a peer, without its port; `?` when unknown (such peers share one set of limits).
        init(peer: SocketAddress?) {
            self.init(peer?.ipAddress ?? "?")
        }
    }

    init(_ limits: ConnectionLimits) {
        self.limits = limits
        stripes = (0..<Self.stripeCount).map { _ in NIOLockedValueBox(Stripe()) }
    }

    /// The monotonic clock the limiters run on, in nanoseconds.
    static func now() -> Int64 {
        Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds)
    }

    // MARK: Connections per address

    /// Counts a new connection; false (and not counted) when the address is at its cap.
    func openConnection(from source: Source) -> Bool {
        connections.withLockedValue { open in
            let count = open[source.address, default: 0]
            if let cap = limits.maximumConnectionsPerAddress, count >= cap { return false }
            open[source.address] = count + 1
            return true
        }
    }

    /// Uncounts a connection that ``openConnection(from:)`` counted.
    func closeConnection(from source: Source) {
        connections.withLockedValue { open in
            let count = open[source.address, default: 1] - 1
            open[source.address] = count > 0 ? count : nil
        }
    }

    func openConnections(from address: String) -> Int {
        connections.withLockedValue { $0[address, default: 0] }
    }

    /// How many address buckets are kept (for tests of the sweep).
    var trackedAddresses: Int {
        stripes.reduce(0) { total, stripe in total + stripe.withLockedValue { $0.addresses.count } }
    }

    // MARK: Request rates

    /// Takes a token from the address's bucket and, once authenticated, from the terminal's; false when
    /// either is empty (the request must then be refused and not executed).
    func allowRequest(from source: Source, terminal: Int64?) -> Bool {
        let now = Self.now()
        if let rate = limits.addressRate {
            let allowed = stripes[source.stripe].withLockedValue { stripe in
                if stripe.addresses.count >= Self.sweepThreshold, stripe.addresses[source.address] == nil {
                    stripe.addresses = stripe.addresses.filter { !$0.value.isFull(now: now) }
                }
                return stripe.addresses[source.address, default: TokenBucket(rate, now: now)].take(now: now)
            }
            guard allowed else { return false }
        }
        if let terminal, let rate = limits.terminalRate {
            let index = Int(UInt64(bitPattern: terminal) % UInt64(Self.stripeCount))
            return stripes[index].withLockedValue { stripe in
                if stripe.terminals.count >= Self.sweepThreshold, stripe.terminals[terminal] == nil {
                    stripe.terminals = stripe.terminals.filter { !$0.value.isFull(now: now) }
                }
                return stripe.terminals[terminal, default: TokenBucket(rate, now: now)].take(now: now)
            }
        }
        return true
    }

    // MARK: Failed AUTHs

    /// How long an AUTH from this address must wait before it is checked; nil: not at all.
    func authDelay(for source: Source) -> Duration? {
        let now = Self.now()
        return stripes[source.stripe].withLockedValue { stripe in
            stripe.authFailures[source.address]?.delay(now: now, limits: limits)
        }
    }

    /// Records a failed AUTH; returns how many the address has now (within the window).
    @discardableResult
    func authFailed(from source: Source) -> Int {
        let now = Self.now()
        return stripes[source.stripe].withLockedValue { stripe in
            if stripe.authFailures.count >= Self.sweepThreshold, stripe.authFailures[source.address] == nil {
                stripe.authFailures = stripe.authFailures.filter { !$0.value.isForgotten(now: now, limits: limits) }
            }
            stripe.authFailures[source.address, default: AuthFailures()].fail(now: now, limits: limits)
            return stripe.authFailures[source.address]?.count ?? 0
        }
    }

    /// A successful AUTH clears the address's failures.
    func authSucceeded(from source: Source) {
        stripes[source.stripe].withLockedValue { stripe in
            if stripe.authFailures[source.address] != nil { stripe.authFailures[source.address] = nil }
        }
    }
}

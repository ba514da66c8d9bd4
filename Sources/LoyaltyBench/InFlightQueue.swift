/// The requests a connection has sent and not yet seen answered, oldest first (the server answers in
/// order). A ring of fixed capacity, the pipelining depth: no allocation per request.
struct InFlightQueue {
    struct Entry {
        /// When the request was written, in uptime nanoseconds.
        var sentAt: UInt64
        var operation: BenchOperation
        /// The `req` number of a mutating request.
        var counter: UInt64
    }

    private var entries: [Entry]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        entries = Array(repeating: Entry(sentAt: 0, operation: .earn, counter: 0), count: capacity)
    }

    var isFull: Bool { count == entries.count }
    var isEmpty: Bool { count == 0 }

    mutating func push(_ entry: Entry) {
        precondition(!isFull, "more requests in flight than the depth")
        entries[(head + count) % entries.count] = entry
        count += 1
    }

    mutating func pop() -> Entry? {
        guard count > 0 else { return nil }
        let entry = entries[head]
        head = (head + 1) % entries.count
        count -= 1
        return entry
    }
}

/// Holds every connection's task until all `expected` have arrived, then lets them all go with the
/// value `release` computes once, at that moment (the run's start time; the memory figure at the end).
actor Barrier<Value: Sendable> {
    private let expected: Int
    private let release: @Sendable () -> Value
    private var arrived = 0
    private var value: Value?
    private var waiting: [CheckedContinuation<Value, Never>] = []

    init(expected: Int, release: @escaping @Sendable () -> Value) {
        self.expected = expected
        self.release = release
    }

    func arrive() async -> Value {
        arrived += 1
        if let value { return value }
        if arrived >= expected {
            let value = release()
            self.value = value
            for continuation in waiting { continuation.resume(returning: value) }
            waiting = []
            return value
        }
        return await withCheckedContinuation { waiting.append($0) }
    }
}

/// At most `permits` connection attempts at once: a server accepts a burst of thousands of connects
/// only slowly, and a full accept queue turns them into time-outs that measure nothing.
actor ConnectLimiter {
    private var permits: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        self.permits = permits
    }

    func acquire() async {
        if permits > 0 {
            permits -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            permits += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// What the replies of one phase (warm-up or measured) of one connection were.
struct PhaseTally: Sendable {
    /// Successful replies per operation (indexed by ``BenchOperation/rawValue``).
    var succeeded = [Int](repeating: 0, count: BenchOperation.allCases.count)
    /// `ERR` replies per operation.
    var failed = [Int](repeating: 0, count: BenchOperation.allCases.count)
    /// `ERR` replies per code.
    var errors: [String: Int] = [:]

    var requests: Int { succeeded.reduce(0, +) + failed.reduce(0, +) }
    var successes: Int { succeeded.reduce(0, +) }

    mutating func add(_ other: PhaseTally) {
        for index in succeeded.indices {
            succeeded[index] += other.succeeded[index]
            failed[index] += other.failed[index]
        }
        errors.merge(other.errors, uniquingKeysWith: +)
    }
}

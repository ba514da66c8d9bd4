import LoyaltyCore
import LoyaltyStore
import NIOCore

extension LoadGenerator {
    /// Idle mode: opens `idleConnections` connections (authenticated as the seeded terminals in turn,
    /// or only pinged), holds them all for the duration, pings each once more, reads the server's
    /// memory while they are still open, and closes them.
    public static func hold(_ configuration: BenchConfiguration, seed: BenchSeed?) async throws(LoyaltyError) -> IdleReport {
        try configuration.validate()
        guard let count = configuration.idleConnections else {
            throw .badArgument("--idle", "idle mode needs a number of connections")
        }
        let terminals = configuration.idleWithoutAuth ? [] : (seed?.terminals ?? [])
        if !configuration.idleWithoutAuth, terminals.isEmpty {
            throw LoyaltyError(.configuration, "idle connections that authenticate need the bench's terminals")
        }
        FileDescriptorLimit.raiseToHardLimit()
        let duration = nanoseconds(configuration.duration)
        let began = NIODeadline.now().uptimeNanoseconds
        let ready = Barrier<IdlePhases>(expected: count) {
            let now = NIODeadline.now().uptimeNanoseconds
            return IdlePhases(ready: now, end: now + duration)
        }
        let pid = configuration.serverPID
        let done = Barrier<ProcessMemory?>(expected: count) { pid.flatMap { ProcessMemory.read(pid: $0) } }
        let limiter = ConnectLimiter(permits: connectConcurrency)
        let tallies = await withTaskGroup(of: IdleTally.self) { group in
            for index in 0..<count {
                let connection = IdleConnection(
                    host: configuration.host, port: configuration.port,
                    terminal: terminals.isEmpty ? nil : terminals[index % terminals.count])
                group.addTask { await connection.run(ready: ready, done: done, limiter: limiter) }
            }
            var tallies: [IdleTally] = []
            tallies.reserveCapacity(count)
            for await tally in group { tallies.append(tally) }
            return tallies
        }
        let phases = await ready.arrive()
        let memory = await done.arrive()
        var histogram = LatencySummary.makeHistogram()
        var errors: [String: Int] = [:]
        var refused = 0
        var firstFailed = 0
        var pingFailed = 0
        var held = 0
        for tally in tallies {
            switch tally.outcome {
            case .refused: refused += 1
            case .firstRequestFailed: firstFailed += 1
            case .pingFailed: pingFailed += 1
            case .held: held += 1
            }
            if tally.outcome != .refused {
                _ = histogram.record(max(1, min(tally.connectMicroseconds, histogram.highestTrackableValue)))
            }
            if let error = tally.error { errors[error, default: 0] += 1 }
        }
        return IdleReport(
            requested: count, authenticated: !configuration.idleWithoutAuth, opened: count - refused - firstFailed, refused: refused,
            firstRequestFailed: firstFailed, held: held, pingFailures: pingFailed, errors: errors,
            connectLatency: LatencySummary(histogram), openMilliseconds: Int64((phases.ready &- began) / 1_000_000),
            holdMilliseconds: BenchReport.milliseconds(configuration.duration), serverMemory: memory)
    }
}

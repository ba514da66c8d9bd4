import LoyaltyCore
import LoyaltyStore
import NIOCore

/// `loyalty bench`: drives a running terminal server with the seeded terminals, members and gift cards.
public enum LoadGenerator {
    /// Connection attempts in flight at once.
    static let connectConcurrency = 64

    /// A fresh run id: `b`, the time in seconds and 32 random bits, in hex. It prefixes every `req`
    /// of the run, so that ids are unique across runs and a run's rows can be found in the database.
    public static func makeRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        let seconds = UInt64(NIODeadline.now().uptimeNanoseconds / 1_000_000_000) ^ UInt64(wallClockSeconds())
        return "b" + String(seconds, radix: 16) + String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
    }

    /// Runs the load: every terminal connects and authenticates, then all start together, warm up, are
    /// measured for the duration, and stop sending; the replies in flight are awaited.
    public static func run(_ configuration: BenchConfiguration, seed: BenchSeed, runID: String = makeRunID()) async throws(LoyaltyError)
        -> BenchReport
    {
        try configuration.validate()
        guard seed.terminals.count >= configuration.terminals, !seed.memberNumbers.isEmpty else {
            throw LoyaltyError(.configuration, "the seeding left \(seed.memberNumbers.count) active bench members and \(seed.terminals.count) terminals")
        }
        if configuration.mix.usesGiftCards, seed.giftCards.isEmpty {
            throw LoyaltyError(.configuration, "mix \(configuration.mix.rawValue) needs the bench's gift cards")
        }
        FileDescriptorLimit.raiseToHardLimit()
        let writer = RequestWriter(runID: runID, members: seed.memberNumbers, giftCards: seed.giftCards.map(\.canonical))
        let warmup = nanoseconds(configuration.warmup)
        let duration = nanoseconds(configuration.duration)
        let start = Barrier<RunPhases>(expected: configuration.terminals) {
            let now = NIODeadline.now().uptimeNanoseconds
            return RunPhases(measureStart: now + warmup, end: now + warmup + duration)
        }
        let limiter = ConnectLimiter(permits: connectConcurrency)
        let connections = (0..<configuration.terminals).map { index in
            LoadConnection(
                host: configuration.host, port: configuration.port, terminal: seed.terminals[index], writer: writer,
                mix: configuration.mix, depth: configuration.depth, seed: UInt64.random(in: 1 ... .max))
        }
        let tallies = await withTaskGroup(of: ConnectionTally.self) { group in
            for connection in connections {
                group.addTask { await connection.run(start: start, limiter: limiter) }
            }
            var tallies: [ConnectionTally] = []
            for await tally in group { tallies.append(tally) }
            return tallies
        }
        let phases = await start.arrive()
        return report(tallies, phases: phases, runID: runID, configuration: configuration, giftCards: seed.giftCards.count)
    }

    static func report(
        _ tallies: [ConnectionTally], phases: RunPhases, runID: String, configuration: BenchConfiguration, giftCards: Int
    ) -> BenchReport {
        var measured = PhaseTally()
        var warmupTally = PhaseTally()
        var histogram = LatencySummary.makeHistogram()
        var failures = BenchReport.ConnectionFailures()
        var lastReply: UInt64 = 0
        var connected = 0
        for tally in tallies {
            measured.add(tally.measured)
            warmupTally.add(tally.warmup)
            histogram.add(tally.histogram)
            lastReply = max(lastReply, tally.lastMeasuredReply)
            failures.unanswered += tally.unanswered
            switch tally.failure {
            case .connect: failures.connect += 1
            case .auth: failures.auth += 1
            case .lost:
                failures.lost += 1
                connected += 1
            case nil: connected += 1
            }
        }
        let elapsed = lastReply > phases.measureStart ? Int64((lastReply - phases.measureStart) / 1000) : 0
        return BenchReport(
            runID: runID, configuration: configuration, giftCards: giftCards, elapsedMicroseconds: elapsed, connected: connected,
            connectionFailures: failures, measured: measured, latency: LatencySummary(histogram), warmup: warmupTally,
            serverMemory: configuration.serverPID.flatMap { ProcessMemory.read(pid: $0) })
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(duration.components.seconds) * 1_000_000_000 + UInt64(duration.components.attoseconds / 1_000_000_000)
    }
}

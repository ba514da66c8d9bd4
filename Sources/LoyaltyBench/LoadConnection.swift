import Histogram
import LoyaltyProtocol
import LoyaltyStore
import NIOCore

/// The times that divide a run, in uptime nanoseconds: requests sent before `measureStart` are the
/// warm-up; none is sent at or after `end`.
struct RunPhases: Sendable {
    let measureStart: UInt64
    let end: UInt64
}

/// What one connection of a load run did.
struct ConnectionTally: Sendable {
    enum Failure: Sendable { case connect, auth, lost }

    var warmup = PhaseTally()
    var measured = PhaseTally()
    var histogram = LatencySummary.makeHistogram()
    /// When the last reply to a measured request arrived (uptime nanoseconds; 0 for none).
    var lastMeasuredReply: UInt64 = 0
    var failure: Failure?
    /// Requests still unanswered when the connection was lost.
    var unanswered = 0
}

/// One terminal of a load run: connects, authenticates, waits for the common start, then keeps
/// `depth` requests in flight until the end and awaits the replies still outstanding.
struct LoadConnection: Sendable {
    let host: String
    let port: Int
    let terminal: BenchSeed.Terminal
    let writer: RequestWriter
    let mix: BenchMix
    let depth: Int
    let seed: UInt64

    /// Most earlier `EARN`s remembered for a later `REVERSE`.
    static let reversibleLimit = 4096

    func run(start: Barrier<RunPhases>, limiter: ConnectLimiter) async -> ConnectionTally {
        var tally = ConnectionTally()
        await limiter.acquire()
        let connected = try? await BenchChannel.connect(host: host, port: port)
        await limiter.release()
        guard let channel = connected else {
            tally.failure = .connect
            _ = await start.arrive()
            return tally
        }
        // Every connection passes the start barrier exactly once, whatever fails.
        var started = false
        do {
            try await channel.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                var auth = channel.channel.allocator.buffer(capacity: 128)
                auth.writeString("AUTH terminal=\(terminal.name) secret=\(terminal.secret)\n")
                try await outbound.write(auth)
                let reply = try await frames.next()
                started = true
                guard let reply, ReplyOutcome(reply) == .ok else {
                    tally.failure = .auth
                    _ = await start.arrive()
                    return
                }
                let phases = await start.arrive()
                await load(phases: phases, frames: &frames, outbound: outbound, allocator: channel.channel.allocator, tally: &tally)
            }
        } catch {
            if !started {
                tally.failure = .auth
                _ = await start.arrive()
            } else if tally.failure == nil {
                tally.failure = .lost
            }
        }
        return tally
    }

    private func load(
        phases: RunPhases, frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, allocator: ByteBufferAllocator, tally: inout ConnectionTally
    ) async {
        var queue = InFlightQueue(capacity: depth)
        var random = BenchRandom(seed: seed)
        var counter: UInt64 = 0
        var reversible: [UInt64] = []
        reversible.reserveCapacity(Self.reversibleLimit)
        while true {
            let now = NIODeadline.now().uptimeNanoseconds
            if now < phases.end, !queue.isFull {
                var buffer = allocator.buffer(capacity: 160 * (depth - queue.count))
                while !queue.isFull {
                    var operation = mix.operation(roll: random.below(100))
                    var reversing: UInt64 = 0
                    if operation == .reverse {
                        if let earlier = reversible.popLast() { reversing = earlier } else { operation = .earn }
                    }
                    var number: UInt64 = 0
                    if operation.isMutating {
                        counter += 1
                        number = counter
                    }
                    writer.write(operation, counter: number, reversing: reversing, into: &buffer, random: &random)
                    queue.push(.init(sentAt: now, operation: operation, counter: number))
                }
                do {
                    try await outbound.write(buffer)
                } catch {
                    tally.failure = .lost
                    tally.unanswered = queue.count
                    return
                }
            } else if queue.isEmpty {
                return
            }
            let next: Frame?
            do {
                next = try await frames.next()
            } catch {
                next = nil
            }
            guard let frame = next else {
                tally.failure = .lost
                tally.unanswered = queue.count
                return
            }
            let arrived = NIODeadline.now().uptimeNanoseconds
            guard let entry = queue.pop() else { continue }
            let outcome = ReplyOutcome(frame)
            let measured = entry.sentAt >= phases.measureStart
            if measured {
                let microseconds = (arrived &- entry.sentAt) / 1000
                _ = tally.histogram.record(Swift.max(1, Swift.min(microseconds, tally.histogram.highestTrackableValue)))
                tally.lastMeasuredReply = arrived
            }
            switch outcome {
            case .ok:
                if measured { tally.measured.succeeded[entry.operation.rawValue] += 1 } else { tally.warmup.succeeded[entry.operation.rawValue] += 1 }
                if entry.operation == .earn, reversible.count < Self.reversibleLimit { reversible.append(entry.counter) }
            case .error(let code):
                if measured {
                    tally.measured.failed[entry.operation.rawValue] += 1
                    tally.measured.errors[code, default: 0] += 1
                } else {
                    tally.warmup.failed[entry.operation.rawValue] += 1
                    tally.warmup.errors[code, default: 0] += 1
                }
            }
        }
    }
}

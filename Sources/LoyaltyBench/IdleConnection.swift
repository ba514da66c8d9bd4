import Histogram
import LoyaltyProtocol
import LoyaltyStore
import NIOCore

/// The times of an idle run, in uptime nanoseconds: every connection is ready at `ready`, and is
/// pinged once more at `end`.
struct IdlePhases: Sendable {
    let ready: UInt64
    let end: UInt64
}

/// What one held connection did.
struct IdleTally: Sendable {
    enum Outcome: Sendable { case refused, firstRequestFailed, pingFailed, held }

    var outcome: Outcome = .refused
    /// Connect and first reply, in microseconds (0 when refused).
    var connectMicroseconds: UInt64 = 0
    var error: String?
}

/// One idle terminal: connects, authenticates (or pings), waits with all the others for the hold's
/// end, pings once more, and waits until the server's memory was read before it closes.
struct IdleConnection: Sendable {
    let host: String
    let port: Int
    /// The terminal to authenticate as; nil: `PING` only.
    let terminal: BenchSeed.Terminal?

    func run(ready: Barrier<IdlePhases>, done: Barrier<ProcessMemory?>, limiter: ConnectLimiter) async -> IdleTally {
        var tally = IdleTally()
        await limiter.acquire()
        let began = NIODeadline.now().uptimeNanoseconds
        let connected = try? await BenchChannel.connect(host: host, port: port)
        guard let channel = connected else {
            await limiter.release()
            _ = await ready.arrive()
            _ = await done.arrive()
            return tally
        }
        var released = false
        var arrivedReady = false
        var arrivedDone = false
        do {
            try await channel.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                var first = channel.channel.allocator.buffer(capacity: 160)
                if let terminal {
                    first.writeString("AUTH terminal=\(terminal.name) secret=\(terminal.secret)\n")
                } else {
                    first.writeString("PING\n")
                }
                let reply: Frame?
                do {
                    try await outbound.write(first)
                    reply = try await frames.next()
                } catch {
                    reply = nil
                }
                released = true
                await limiter.release()
                tally.connectMicroseconds = (NIODeadline.now().uptimeNanoseconds &- began) / 1000
                let outcome = reply.map(ReplyOutcome.init) ?? .error("CONNECTION_LOST")
                arrivedReady = true
                let phases = await ready.arrive()
                guard outcome == .ok else {
                    tally.outcome = .firstRequestFailed
                    if case .error(let code) = outcome { tally.error = code }
                    return
                }
                let now = NIODeadline.now().uptimeNanoseconds
                if phases.end > now { try? await Task.sleep(nanoseconds: phases.end - now) }
                var ping = channel.channel.allocator.buffer(capacity: 8)
                ping.writeString("PING\n")
                let last: Frame?
                do {
                    try await outbound.write(ping)
                    last = try await frames.next()
                } catch {
                    last = nil
                }
                let final = last.map(ReplyOutcome.init) ?? .error("CONNECTION_LOST")
                if final == .ok {
                    tally.outcome = .held
                } else {
                    tally.outcome = .pingFailed
                    if case .error(let code) = final { tally.error = code }
                }
                arrivedDone = true
                _ = await done.arrive()
            }
        } catch {
            if tally.outcome == .refused { tally.outcome = .firstRequestFailed }
        }
        if !released { await limiter.release() }
        if !arrivedReady { _ = await ready.arrive() }
        if !arrivedDone { _ = await done.arrive() }
        return tally
    }
}

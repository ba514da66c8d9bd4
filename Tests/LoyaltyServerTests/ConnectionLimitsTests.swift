import LoyaltyServer
import LoyaltyTesting
import Testing

/// The limits against hostile clients over real TCP: each cuts one client off and leaves the others alone.
@Suite("Limits against hostile clients (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ConnectionLimitsTests {
    @Test("16 MB without a newline: LINE_TOO_LONG and closed, while another connection keeps working")
    func endlessLine() async throws {
        try await withServer { server in
            let bystander = try await server.till("till-1")
            let member = try await bystander.enroll()
            let client = try await server.open()
            let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 65_536)
            // The server closes while the bytes are still being written: later writes fail, which is the point.
            for _ in 0..<256 {
                do { try await client.sendRaw(chunk) } catch { break }
            }
            let outcome = try await nextLine(client, within: .seconds(10))
            #expect(outcome == .line("ERR LINE_TOO_LONG line longer than 8192 bytes"), "\(outcome)")
            #expect(try await serverCloses(client, within: .seconds(5)))
            #expect(try await bystander.earn(member, points: 2)["points"] == "2")
        }
    }

    @Test("half a line then a stall: ERR LIMIT at the read time-out, long before the idle time-out")
    func partialLineStall() async throws {
        try await withServer(configure: {
            $0.idleTimeout = .seconds(60)
            $0.limits.readTimeout = .seconds(1)
        }) { server in
            let bystander = try await server.till("till-1")
            let member = try await bystander.enroll()
            let staller = try await server.till("till-2")
            // One byte every 300 ms is activity for the idle time-out, but the line never ends.
            let elapsed = try await measure {
                try await staller.sendRaw(Array("EARN req=slow-1 member=\(member) ".utf8))
                for byte in "points=5".utf8 {
                    try await Task.sleep(for: .milliseconds(300))
                    guard (try? await staller.sendRaw([byte])) != nil else { break }
                }
                let outcome = try await nextLine(staller, within: .seconds(5))
                #expect(outcome == .line("ERR LIMIT line not finished within the read time-out; closing"), "\(outcome)")
            }
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(4), "\(elapsed)")
            #expect(try await serverCloses(staller, within: .seconds(5)))
            #expect(try await server.entryCount(member) == 0)
            // A connection without a partial line is not touched by the read time-out, and whole lines
            // sent slowly one after another are fine.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await bystander.pings())
            for _ in 0..<3 {
                try await bystander.sendRaw(Array("PI".utf8))
                try await Task.sleep(for: .milliseconds(600))
                try await bystander.sendRaw(Array("NG\n".utf8))
                #expect(try #require(try await bystander.readLine()).hasPrefix("OK time="))
            }
        }
    }

    @Test("a connection over the per-address cap gets ERR LIMIT and is closed; the others are unaffected")
    func connectionCap() async throws {
        try await withServer(configure: { $0.limits.maximumConnectionsPerAddress = 5 }) { server in
            var open: [LineClient] = []
            for _ in 0..<5 {
                let client = try await server.open()
                #expect(try await client.pings())
                open.append(client)
            }
            for _ in 0..<3 {
                let refused = try await server.open()
                let outcome = try await nextLine(refused, within: .seconds(5))
                #expect(outcome == .line("ERR LIMIT too many connections from this address (at most 5)"), "\(outcome)")
                #expect(try await serverCloses(refused, within: .seconds(5)))
            }
            for client in open { #expect(try await client.pings()) }
            // A closed connection frees its place.
            await open[0].close()
            var admitted = false
            for _ in 0..<50 where !admitted {
                try await Task.sleep(for: .milliseconds(50))
                let next = try await server.open()
                if case .line(let reply) = try await nextLine(next, within: .seconds(5)), reply.hasPrefix("ERR LIMIT") {
                    continue
                }
                admitted = true
            }
            #expect(admitted)
        }
    }

    @Test("the per-address cap holds under a burst of concurrent connections")
    func connectionBurst() async throws {
        try await withServer(configure: { $0.limits.maximumConnectionsPerAddress = 20 }) { server in
            let clients = try await withThrowingTaskGroup(of: LineClient.self) { group in
                for _ in 0..<60 { group.addTask { try await server.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var accepted = 0
            var refused = 0
            for client in clients {
                // A refused connection has its ERR LIMIT waiting, or is closed before the PING is written.
                let reply = (try? await client.request("PING")) ?? "closed"
                if reply.hasPrefix("OK time=") { accepted += 1 } else if reply.hasPrefix("ERR LIMIT") || reply == "closed" { refused += 1 }
            }
            #expect(accepted == 20 && refused == 40, "accepted \(accepted), refused \(refused)")
        }
    }

    @Test("a terminal over its rate gets RATE_LIMITED, nothing applied, retryable; another terminal is not limited")
    func terminalRate() async throws {
        try await withServer(configure: {
            $0.limits.terminalRate = RateLimit(perSecond: 1, burst: 5)
        }) { server in
            let calm = try await server.till("till-calm")
            let member = try await calm.enroll()
            let (name, secret) = try await server.addTerminal("till-busy")
            let busy = try await server.connect(as: (name, secret))
            let second = try await server.connect(as: (name, secret))
            let requests = (1...12).map { "EARN req=burst-\($0) member=\(member) points=1" }
            try await busy.sendRaw(Array(requests.map { $0 + "\n" }.joined().utf8))
            var replies: [String] = []
            for _ in requests { replies.append(try #require(try await busy.readLine())) }
            let ok = replies.filter { $0.hasPrefix("OK ") }.count
            let limited = replies.filter { $0.hasPrefix("ERR RATE_LIMITED ") }.count
            #expect(ok >= 5 && ok <= 6 && ok + limited == 12, "\(replies)")
            // The terminal's other connection shares its bucket; another terminal has its own.
            #expect(try await second.request("PING").hasPrefix("ERR RATE_LIMITED"))
            for _ in 0..<3 { #expect(try await calm.pings()) }
            // Nothing of a limited request was applied: the earns that got OK are all there are.
            #expect(try await server.entryCount(member) == Int64(ok))
            // After a pause the same req goes through.
            let retry = try #require(replies.lastIndex { $0.hasPrefix("ERR RATE_LIMITED") })
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await busy.ok(requests[retry])["earned"] == "1")
            #expect(try await server.entryCount(member) == Int64(ok + 1))
        }
    }

    @Test("an address over its rate gets RATE_LIMITED before AUTH too; the connection stays usable")
    func addressRate() async throws {
        try await withServer(configure: {
            $0.limits.addressRate = RateLimit(perSecond: 5, burst: 10)
        }) { server in
            let client = try await server.open()
            try await client.sendRaw(Array(String(repeating: "PING\n", count: 30).utf8))
            var limited = 0
            for _ in 0..<30 {
                if try #require(try await client.readLine()).hasPrefix("ERR RATE_LIMITED") { limited += 1 }
            }
            #expect(limited >= 18 && limited <= 20, "\(limited)")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await client.pings())
        }
    }

    /// The delay schedule itself (doubling, maximum, forgetting) is ClientLimiterTests' business; over TCP
    /// this shows the delay is applied, that it holds up only the guilty address's AUTH, and that the right
    /// secret clears the count. Only lower bounds and orderings are timed: a loaded machine makes anything
    /// slower, never faster.
    @Test("failed AUTHs from one address are slowed down after the free ones; other connections are not")
    func authBackoff() async throws {
        let (logger, log) = CapturingLogHandler.logger()
        try await withOpenClients {
            try await withTestServer(logger: logger, configure: {
                $0.limits.freeAuthFailures = 2
                $0.limits.authBackoffBase = .seconds(1)
                $0.limits.authBackoffMaximum = .seconds(2)
            }) { server in
                let (name, secret) = try await server.addTerminal("till-1")
                let working = try await server.connect(as: (name, secret))
                let attacker = try await server.open()
                let clock = ContinuousClock()
                func failedAuth() async throws -> (elapsed: Duration, finished: ContinuousClock.Instant) {
                    var code: String?
                    let elapsed = try await measure { code = try await attacker.err("AUTH terminal=\(name) secret=guess") }
                    #expect(code == "AUTH_FAILED")
                    return (elapsed, clock.now)
                }
                func backoffs() -> [String] {
                    log.all.filter { $0.hasSuffix("AUTH backoff") }.compactMap {
                        $0.split(separator: " ").first { $0.hasPrefix("failures=") }.map(String.init)
                    }
                }
                _ = try await failedAuth()
                _ = try await failedAuth()
                #expect(backoffs() == [])
                // The third waits a second; while it waits, another connection is served.
                async let third = failedAuth()
                // Long enough for the AUTH to reach the server, well short of its second.
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await working.pings())
                let pinged = clock.now
                let (waited, finished) = try await third
                #expect(waited >= .milliseconds(950), "\(waited)")
                #expect(pinged < finished, "the other connection was answered while the AUTH waited")
                #expect(try await failedAuth().elapsed >= .milliseconds(1950))
                #expect(backoffs() == ["failures=3", "failures=4"])
                // A fresh connection from the same address waits too; the right secret still gets in, and
                // clears the count: two more failures are free again, and the third is logged as the third.
                let fresh = try await server.open()
                var reply = ""
                let login = try await measure { reply = try await fresh.request("AUTH terminal=\(name) secret=\(secret)") }
                #expect(reply.hasPrefix("OK "), "\(reply)")
                #expect(login >= .milliseconds(1950), "\(login)")
                for _ in 0..<3 { _ = try await failedAuth() }
                #expect(backoffs() == ["failures=3", "failures=4", "failures=3"])
            }
        }
    }
}

import LoyaltyTesting
import Testing

@Suite("Request time-out (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct RequestTimeoutTests {
    @Test("a request stuck past requestTimeout gets UNAVAILABLE in time; the retry with the same req books it once")
    func stuckRequestIsSafeToRetry() async throws {
        try await withServer(configure: { $0.requestTimeout = .seconds(1) }) { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let line = "EARN req=slow-1 member=\(member) amount=12.00 currency=EUR"

            // The EARN waits on this lock. It is released as soon as the reply arrives, and after 20 s at the
            // latest, so that the test ends whatever the server does.
            let lock = try await RowLock.account(server.database, member: member)
            let releaser = Task {
                try? await Task.sleep(for: .seconds(20))
                try? await lock.release()
            }
            var reply = ""
            let elapsed: Duration
            do {
                elapsed = try await measure { reply = try await till.request(line) }
            } catch {
                releaser.cancel()
                await releaser.value
                throw error
            }
            releaser.cancel()
            await releaser.value
            #expect(errorCode(reply) == "UNAVAILABLE", "\(reply)")
            #expect(elapsed < .seconds(10), "answered after \(elapsed), with requestTimeout = 1 s")
            #expect(try await till.pings(), "the connection stays usable")

            // Whatever became of the first attempt, the retry gets exactly one booking.
            let retry = try await till.request(line)
            #expect(try okFields(retry)["earned"] == "12")
            #expect(try await till.request(line) == retry)
            #expect(try await server.entryCount(member) == 1)
            #expect(try await till.balance(member) == 12)
        }
    }
}

import LoyaltyTesting
import Testing

@Suite("Pipelined requests (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct PipeliningTests {
    @Test("200 EARNs written at once get 200 replies in request order")
    func twoHundredEarns() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let count = 200
            var batch = ""
            for index in 1...count {
                batch += "EARN req=pipe-\(index) member=\(member) points=\(index)\n"
            }
            try await till.sendRaw(Array(batch.utf8))

            var expectedBalance: Int64 = 0
            var lastEntry: Int64 = 0
            for index in 1...count {
                let line = try #require(try await till.readLine(), "reply \(index) missing")
                let fields = try okFields(line)
                expectedBalance += Int64(index)
                #expect(try fields.int("earned") == Int64(index), "reply \(index): \(line)")
                #expect(try fields.int("points") == expectedBalance, "reply \(index): \(line)")
                let entry = try fields.int("entry")
                #expect(entry > lastEntry, "reply \(index): \(line)")
                lastEntry = entry
            }
            #expect(try await till.balance(member) == expectedBalance)
            #expect(try await server.entryCount(member) == Int64(count))
            // The replies are recorded per req: replaying one from the middle gives its own reply.
            let replay = try await till.ok("EARN req=pipe-100 member=\(member) points=100")
            #expect(try replay.int("points") == (1...100).reduce(0, +))
        }
    }

    @Test("mixed verbs pipelined, list replies included, are answered in order; QUIT ends the batch")
    func mixedVerbs() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll(#"first_name=Ada last_name="King Lovelace""#)
            let batch = [
                "PING",
                "EARN req=m-1 member=\(member) amount=30.00 currency=EUR",
                "BALANCE member=\(member)",
                "FROBNICATE",
                "REDEEM req=m-2 member=\(member) points=12",
                "",
                "HISTORY member=\(member) limit=2",
                "REDEEM req=m-3 member=\(member) points=1000",
                "MEMBER member=\(member)",
                "HELP",
                "REVERSE req=m-4 of=m-1 amount=15.00 currency=EUR",
                "QUIT",
                "BALANCE member=\(member)",
            ].joined(separator: "\n") + "\n"
            try await till.sendRaw(Array(batch.utf8))

            func next() async throws -> String { try #require(try await till.readLine()) }
            #expect(try await next().hasPrefix("OK time="))
            #expect(try okFields(try await next())["points"] == "30")
            #expect(try okFields(try await next()) == ["member": member, "points": "30", "pending": "0", "spendable": "30", "status": "active"])
            #expect(errorCode(try await next()) == "UNKNOWN_COMMAND")
            #expect(try okFields(try await next())["points"] == "18")
            // The blank line gets no reply: next is the HISTORY list.
            let header = try okFields(try await next())
            #expect(header == ["count": "2", "member": member])
            let first = try itemFields(try await next())
            let second = try itemFields(try await next())
            #expect(first["kind"] == "redeem" && first["balance"] == "18")
            #expect(second["kind"] == "earn" && second["balance"] == "30")
            #expect(errorCode(try await next()) == "INSUFFICIENT_POINTS")
            #expect(try okFields(try await next())["last_name"] == "King Lovelace")
            let help = try okFields(try await next())
            let helpCount = try help.int("count")
            for _ in 0..<helpCount { #expect(try itemFields(try await next())["verb"] != nil) }
            let reversed = try okFields(try await next())
            #expect(reversed["reversed"] == "15" && reversed["points"] == "3")
            #expect(try await next() == "OK bye=1")
            #expect(try await serverCloses(till, within: .seconds(5)))
        }
    }

    @Test("a request split into single bytes and several requests in one segment are framed the same")
    func arbitrarySegmentation() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            for byte in Array("EARN req=bytes-1 member=\(member) points=5\n".utf8) {
                try await till.sendRaw([byte])
            }
            #expect(try okFields(try #require(try await till.readLine()))["points"] == "5")
            try await till.sendRaw(Array("BALANCE member=\(member)\nBAL".utf8))
            #expect(try okFields(try #require(try await till.readLine()))["points"] == "5")
            try await till.sendRaw(Array("ANCE member=\(member)\r".utf8))
            try await till.sendRaw(Array("\n".utf8))
            #expect(try okFields(try #require(try await till.readLine()))["points"] == "5")
        }
    }
}

import LoyaltyTesting
import Testing

@Suite("Bad input never kills the connection (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct BadInputTests {
    @Test("malformed requests get their error code and the same connection keeps working")
    func malformedRequests() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let cases: [(label: String, bytes: [UInt8], code: String)] = [
                ("unknown verb", Array("FROBNICATE member=\(member)\n".utf8), "UNKNOWN_COMMAND"),
                ("verb with digits", Array("EARN2 req=a\n".utf8), "BAD_REQUEST"),
                ("unterminated quote", Array("ENROLL req=q1 first_name=\"Ada last_name=Lovelace\n".utf8), "BAD_REQUEST"),
                ("text after a closing quote", Array("ENROLL req=q2 first_name=\"Ada\"x last_name=L\n".utf8), "BAD_REQUEST"),
                ("bad escape", Array("ENROLL req=q3 first_name=\"A\\qda\" last_name=L\n".utf8), "BAD_REQUEST"),
                ("invalid UTF-8", Array("ENROLL req=u1 first_name=".utf8) + [0xC3, 0x28, 0xFF] + Array(" last_name=L\n".utf8), "BAD_REQUEST"),
                ("NUL byte", Array("PING".utf8) + [0x00] + Array("\n".utf8), "BAD_REQUEST"),
                ("control character", Array("BALANCE member=\(member)".utf8) + [0x07] + Array("\n".utf8), "BAD_REQUEST"),
                ("duplicate key", Array("BALANCE member=\(member) member=\(member)\n".utf8), "BAD_REQUEST"),
                ("duplicate key, other case", Array("BALANCE member=\(member) MEMBER=\(member)\n".utf8), "BAD_REQUEST"),
                ("token without =", Array("BALANCE \(member)\n".utf8), "BAD_REQUEST"),
                ("33 arguments", Array(("PING " + (1...33).map { "a\($0)=1" }.joined(separator: " ") + "\n").utf8), "BAD_REQUEST"),
                ("33-character key", Array("PING \(String(repeating: "k", count: 33))=1\n".utf8), "BAD_REQUEST"),
                ("quote inside a bare value", Array("BALANCE member=12\"34\n".utf8), "BAD_REQUEST"),
                ("first token not a word", Array("=PING\n".utf8), "BAD_REQUEST"),
                ("unknown key", Array("BALANCE member=\(member) colour=red\n".utf8), "BAD_ARGUMENT"),
                ("argument to PING", Array("PING now=1\n".utf8), "BAD_ARGUMENT"),
                ("empty value", Array("BALANCE member=\n".utf8), "BAD_ARGUMENT"),
                ("missing member", Array("BALANCE\n".utf8), "MISSING_ARGUMENT"),
                ("missing req", Array("EARN member=\(member) points=5\n".utf8), "MISSING_ARGUMENT"),
                ("missing points", Array("REDEEM req=m1 member=\(member)\n".utf8), "MISSING_ARGUMENT"),
                ("missing amount", Array("EARN req=m2 member=\(member)\n".utf8), "MISSING_ARGUMENT"),
                ("missing terminal", Array("AUTH secret=abc\n".utf8), "MISSING_ARGUMENT"),
                ("bad req", Array("EARN req=has/slash member=\(member) points=5\n".utf8), "BAD_ARGUMENT"),
                ("both amount and points", Array("EARN req=b1 member=\(member) points=5 amount=5 currency=EUR\n".utf8), "BAD_ARGUMENT"),
            ]
            for (label, bytes, code) in cases {
                try await till.sendRaw(bytes)
                let reply = try #require(try await till.readLine(), "\(label): connection closed")
                #expect(errorCode(reply) == code, "\(label) → \(reply)")
                #expect(reply.utf8.count < 300, "\(label): error replies are short")
                #expect(try await till.pings(), "\(label): PING after it")
            }
            // Errors quote only a little of what was sent.
            let longVerb = String(repeating: "X", count: 200)
            let echoed = try await till.request(longVerb)
            #expect(errorCode(echoed) == "UNKNOWN_COMMAND")
            #expect(!echoed.contains(String(repeating: "X", count: 40)), "\(echoed)")
            // Leading and trailing blanks are ignored.
            #expect(try await till.request(" \t PING \t ").hasPrefix("OK time="))
            // Still authenticated, and nothing was written.
            #expect(try await till.balance(member) == 0)
            #expect(try await server.entryCount(member) == 0)
        }
    }

    @Test("bad input on one connection does not disturb another")
    func otherConnectionsUnaffected() async throws {
        try await withServer { server in
            let bad = try await server.till("till-1")
            let good = try await server.till("till-2")
            let member = try await good.enroll()
            try await bad.sendRaw([0xFF, 0xFE, 0x0A, 0x22, 0x0A] + Array("NOPE\n".utf8))
            #expect(errorCode(try #require(try await bad.readLine())) == "BAD_REQUEST")
            #expect(errorCode(try #require(try await bad.readLine())) == "BAD_REQUEST")
            #expect(errorCode(try #require(try await bad.readLine())) == "UNKNOWN_COMMAND")
            #expect(try await good.earn(member, points: 3)["points"] == "3")
            #expect(try await bad.pings())
        }
    }

    @Test("blank lines get no reply; CRLF line endings are accepted")
    func blankLinesAndCRLF() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            try await till.sendRaw(Array("\n   \n\t\n\r\n \t \r\nBALANCE member=\(member)\r\n".utf8))
            let reply = try #require(try await till.readLine())
            #expect(try okFields(reply) == ["member": member, "points": "0", "pending": "0", "spendable": "0", "status": "active"])
            try await till.sendRaw(Array("EARN req=crlf-1 member=\(member) points=4 receipt=R-1\r\nPING\r\n".utf8))
            let earned = try okFields(try #require(try await till.readLine()))
            #expect(earned["points"] == "4")
            #expect(try #require(try await till.readLine()).hasPrefix("OK time="))
            // The CR was not part of the receipt.
            let history = try await till.list("HISTORY member=\(member)")
            #expect(history.items.first?["receipt"] == "R-1")
        }
    }

    @Test("a client that disconnects mid-line affects nobody, and its partial request is not executed")
    func disconnectMidLine() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let quitter = try await server.till("till-2")
            try await quitter.sendRaw(Array("EARN req=half-1 member=\(member) points=500".utf8))
            await quitter.close()

            let other = try await server.open()
            try await other.sendRaw(Array("PIN".utf8))
            await other.close()

            #expect(try await till.pings())
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await till.balance(member) == 0)
            #expect(try await server.entryCount(member) == 0)
            let fresh = try await server.till("till-3")
            #expect(try await fresh.pings())
        }
    }
}

import LoyaltyTesting
import Testing

@Suite("Line length limit (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct LineLengthTests {
    /// `PING` padded with spaces to exactly `length` bytes of line content.
    static func paddedPing(_ length: Int) -> [UInt8] {
        Array("PING".utf8) + Array(repeating: UInt8(ascii: " "), count: length - 4)
    }

    @Test("a line of exactly 8192 bytes is accepted, with LF or CRLF")
    func longestLineAccepted() async throws {
        try await withServer { server in
            let client = try await server.open()
            try await client.sendRaw(Self.paddedPing(8192) + [0x0A])
            #expect(try #require(try await client.readLine()).hasPrefix("OK time="))
            try await client.sendRaw(Self.paddedPing(8192) + [0x0D, 0x0A])
            #expect(try #require(try await client.readLine()).hasPrefix("OK time="))
        }
    }

    @Test("a line over 8192 bytes gets LINE_TOO_LONG and is closed; other connections keep working")
    func tooLongLine() async throws {
        try await withServer { server in
            let bystander = try await server.till("till-1")
            let member = try await bystander.enroll()
            let client = try await server.till("till-2")
            // The rest of the line and a request after it are not executed.
            try await client.sendRaw(
                Array("EARN req=long-1 member=\(member) points=5 receipt=".utf8) + Array(repeating: UInt8(ascii: "A"), count: 8200)
                    + Array("\nEARN req=long-2 member=\(member) points=7\n".utf8))
            let reply = try #require(try await client.readLine())
            #expect(errorCode(reply) == "LINE_TOO_LONG", "\(reply)")
            #expect(try await serverCloses(client, within: .seconds(5)))

            #expect(try await bystander.pings())
            #expect(try await bystander.balance(member) == 0)
            #expect(try await server.entryCount(member) == 0)
        }
    }

    @Test("100 KB without any newline gets LINE_TOO_LONG and is closed; other connections keep working")
    func endlessLine() async throws {
        try await withServer { server in
            let bystander = try await server.till("till-1")
            let client = try await server.open()
            // The server may close while the bytes are still being written.
            try? await client.sendRaw(Array(repeating: UInt8(ascii: "A"), count: 100_000))
            let outcome = try await nextLine(client, within: .seconds(5))
            guard case .line(let reply) = outcome else {
                Issue.record("expected ERR LINE_TOO_LONG, got \(outcome)")
                return
            }
            #expect(errorCode(reply) == "LINE_TOO_LONG", "\(reply)")
            #expect(try await serverCloses(client, within: .seconds(5)))
            #expect(try await bystander.pings())
        }
    }

    @Test("the limit follows ServerConfiguration.maximumLineLength")
    func configuredLimit() async throws {
        try await withServer(configure: { $0.maximumLineLength = 64 }) { server in
            let client = try await server.open()
            try await client.sendRaw(Self.paddedPing(64) + [0x0A])
            #expect(try #require(try await client.readLine()).hasPrefix("OK time="))
            try await client.sendRaw(Self.paddedPing(65) + [0x0A])
            #expect(errorCode(try #require(try await client.readLine())) == "LINE_TOO_LONG")
            #expect(try await serverCloses(client, within: .seconds(5)))
        }
    }
}

import Foundation
import LoyaltyTesting
import Testing

@Suite("Connection and authentication (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ConnectionTests {
    @Test("PING, HELP and QUIT work before AUTH")
    func connectionVerbsBeforeAuth() async throws {
        try await withServer { server in
            let client = try await server.open()

            let ping = try await client.request("PING")
            #expect(ping.wholeMatch(of: /OK time=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil, "\(ping)")
            let time = try #require(okFields(ping)["time"])
            let sent = try Date(time, strategy: .iso8601)
            #expect(abs(sent.timeIntervalSinceNow) < 300)

            let help = try await client.list("HELP")
            #expect(try help.header.int("count") == Int64(help.items.count))
            let verbs = Set(help.items.compactMap { $0["verb"] })
            #expect(
                verbs == [
                    "PING", "HEALTH", "HELP", "QUIT", "AUTH", "MEMBER", "ENROLL", "BALANCE", "HISTORY", "EARN", "REDEEM", "REVERSE", "REWARDS",
                    "CLAIM", "VOUCHER", "USE", "GIFT BALANCE", "GIFT ACTIVATE", "GIFT LOAD", "GIFT REDEEM", "GIFT REFUND", "GIFT HOLD",
                    "GIFT CAPTURE", "GIFT RELEASE",
                ])
            #expect(help.items.allSatisfy { $0["args"] != nil && !($0["about"] ?? "").isEmpty })

            // Verbs are case-insensitive.
            #expect(try await client.request("ping").hasPrefix("OK time="))

            #expect(try await client.request("QUIT") == "OK bye=1")
            #expect(try await serverCloses(client, within: .seconds(5)))
        }
    }

    @Test("member verbs before AUTH get AUTH_REQUIRED and the connection stays usable")
    func memberVerbsRequireAuth() async throws {
        try await withServer { server in
            let client = try await server.open()
            let member = unknownMemberNumber
            let lines = [
                "MEMBER member=\(member)",
                "BALANCE member=\(member)",
                "HISTORY member=\(member)",
                "ENROLL req=e1 first_name=Ada last_name=Lovelace",
                "EARN req=r1 member=\(member) amount=10.00 currency=EUR",
                "REDEEM req=r2 member=\(member) points=5",
                "REVERSE req=r3 of=r1",
            ]
            for line in lines {
                let reply = try await client.request(line)
                #expect(errorCode(reply) == "AUTH_REQUIRED", "\(line) → \(reply)")
                #expect(try await client.pings())
            }
            // Nothing was written.
            #expect(try await server.sqlInt("select count(*)::int8 from members") == 0)
            #expect(try await server.sqlInt("select count(*)::int8 from terminal_requests") == 0)
        }
    }

    @Test("AUTH replies with the terminal and its store; without a store, no store field")
    func authReply() async throws {
        try await withServer { server in
            let (name, secret) = try await server.addTerminal("till-7", store: "berlin-mitte")
            let client = try await server.open()
            let reply = try await client.request("AUTH terminal=\(name) secret=\(secret)")
            #expect(reply == "OK terminal=till-7 store=berlin-mitte")
            #expect(try okFields(reply) == ["terminal": "till-7", "store": "berlin-mitte"])

            let (bare, bareSecret) = try await server.addTerminal("kiosk-1", store: nil)
            let other = try await server.open()
            #expect(try await other.ok("AUTH terminal=\(bare) secret=\(bareSecret)") == ["terminal": "kiosk-1"])

            // An authenticated connection can work with members.
            let member = try await client.enroll()
            #expect(try await client.balance(member) == 0)
        }
    }

    @Test("a wrong secret, an unknown terminal or a revoked terminal get AUTH_FAILED; a later correct AUTH works")
    func authFailures() async throws {
        try await withServer { server in
            let (name, secret) = try await server.addTerminal("till-1")
            let (revoked, revokedSecret) = try await server.addTerminal("till-old")
            _ = try await server.store.revokeTerminal(name: revoked, actor: "test")
            let client = try await server.open()

            #expect(try await client.err("AUTH terminal=\(name) secret=not-the-secret") == "AUTH_FAILED")
            #expect(try await client.err("AUTH terminal=no-such-till secret=\(secret)") == "AUTH_FAILED")
            #expect(try await client.err("AUTH terminal=\(revoked) secret=\(revokedSecret)") == "AUTH_FAILED")
            // The same answer whatever was wrong: nothing to learn about which part.
            let wrongSecret = try await client.request("AUTH terminal=\(name) secret=nope")
            let unknown = try await client.request("AUTH terminal=nobody secret=nope")
            #expect(wrongSecret == unknown)

            // Still unauthenticated, still connected.
            #expect(try await client.err("BALANCE member=\(unknownMemberNumber)") == "AUTH_REQUIRED")
            #expect(try await client.pings())
            #expect(try await client.request("AUTH terminal=\(name) secret=\(secret)") == "OK terminal=till-1 store=store-1")
            #expect(try await client.err("BALANCE member=\(unknownMemberNumber)") == "NOT_FOUND")
        }
    }

    @Test("QUIT after AUTH replies bye, closes, and requests pipelined after it are not answered")
    func quitClosesConnection() async throws {
        try await withServer { server in
            let client = try await server.till("till-1")
            let member = try await client.enroll()
            let earnLine = "EARN req=after-quit member=\(member) points=10"
            try await client.sendRaw(Array("QUIT\nPING\n\(earnLine)\n".utf8))
            #expect(try await client.readLine() == "OK bye=1")
            #expect(try await serverCloses(client, within: .seconds(5)))
            // The EARN after QUIT was never executed.
            #expect(try await server.entryCount(member) == 0)

            // Other connections are unaffected.
            let other = try await server.till("till-2")
            #expect(try await other.balance(member) == 0)
        }
    }

    @Test("the server's terminals are independent: each connection is its own session")
    func sessionsAreIndependent() async throws {
        try await withServer { server in
            let authed = try await server.till("till-1")
            let anonymous = try await server.open()
            let member = try await authed.enroll()
            #expect(try await anonymous.err("BALANCE member=\(member)") == "AUTH_REQUIRED")
            #expect(try await authed.balance(member) == 0)
        }
    }

    @Test("a failed AUTH on an authenticated connection drops the authentication but keeps the connection")
    func failedReauthentication() async throws {
        try await withServer { server in
            let (name, secret) = try await server.addTerminal("till-1")
            let client = try await server.connect(as: (name, secret))
            let member = try await client.enroll()
            #expect(try await client.err("AUTH terminal=\(name) secret=wrong-secret") == "AUTH_FAILED")
            // docs/protocol.md §7: "After any ERR reply the connection stays usable, except after LINE_TOO_LONG."
            let ping = try? await client.request("PING")
            #expect(ping?.hasPrefix("OK time=") == true, "the connection was closed after a failed re-AUTH")
            if ping != nil {
                #expect(try await client.err("BALANCE member=\(member)") == "AUTH_REQUIRED")
                #expect(try await client.request("AUTH terminal=\(name) secret=\(secret)").hasPrefix("OK "))
                #expect(try await client.balance(member) == 0)
            }
        }
    }

    @Test("a second AUTH on a connection switches terminal, and req ids follow the terminal")
    func reauthenticationSwitchesTerminal() async throws {
        try await withServer { server in
            let one = try await server.addTerminal("till-1")
            let two = try await server.addTerminal("till-2", store: "store-2")
            let client = try await server.connect(as: one)
            let member = try await client.enroll()
            let line = "EARN req=sale-1 member=\(member) points=5"
            #expect(try await client.ok(line)["points"] == "5")
            #expect(try await client.request("AUTH terminal=\(two.name) secret=\(two.secret)") == "OK terminal=till-2 store=store-2")
            // As till-2, sale-1 is a new request.
            #expect(try await client.ok(line)["points"] == "10")
            #expect(try await server.entryCount(member) == 2)
        }
    }
}

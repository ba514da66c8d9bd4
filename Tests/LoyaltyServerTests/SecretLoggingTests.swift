import Foundation
import LoyaltyCore
import LoyaltyTesting
import Testing

@Suite("Logs: a request id on every line, never a secret, code or PIN (PostgreSQL, TCP)", .timeLimit(.minutes(3)))
struct SecretLoggingTests {
    @Test("AUTH and GIFT requests with known secrets, codes and PINs, logged at trace: none of them appears")
    func noSecretsInLogs() async throws {
        let (logger, lines) = CapturingLogHandler.logger()
        try await withOpenClients {
            try await withTestServer(logger: logger) { server in
                let terminal = try await server.addTerminal("till-secret")
                let cards = try await server.issueGiftCards(count: 1, amount: 2500, pin: true)
                let card = try #require(cards.first)
                let pin = try #require(card.pin?.digits)
                let wrongPIN = pin == "000000" ? "111111" : "000000"

                let probe = try await server.open()
                #expect(try await probe.err("AUTH terminal=till-secret secret=lts_wrong-\(terminal.secret.suffix(8))") == "AUTH_FAILED")
                let till = try await server.connect(as: terminal)
                _ = try await till.ok("GIFT BALANCE code=\(card.code.grouped) pin=\(pin)")
                #expect(try await till.err("GIFT BALANCE code=\(card.code.canonical) pin=\(wrongPIN)") == "WRONG_PIN")
                _ = try await till.ok("GIFT REDEEM req=gift-r1 code=\(card.code.grouped) pin=\(pin) amount=5 currency=EUR")
                #expect(try await till.err("GIFT REDEEM req=gift-r1 code=\(card.code.grouped) pin=\(pin) amount=6 currency=EUR") != nil)
                let member = try await till.enroll()
                _ = try await till.earn(member, points: 3)

                let logged = lines.all
                // The capture works and the requests were logged.
                #expect(logged.count > 10, "only \(logged.count) lines were logged")
                #expect(logged.contains { $0.contains("AUTH failed") && $0.contains("terminal=till-secret") })
                #expect(logged.contains { $0.contains("req=gift-r1") && $0.contains("verb=GIFT REDEEM") && $0.contains("conn=") && $0.contains("seq=") })
                let secrets = [
                    terminal.secret, String(terminal.secret.dropFirst(4)), String(terminal.secret.suffix(8)),
                    card.code.grouped, card.code.canonical, card.code.canonical.lowercased(), pin, wrongPIN,
                ]
                for secret in secrets {
                    let leaks = logged.filter { $0.contains(secret) }
                    #expect(leaks.isEmpty, "'\(secret)' was logged: \(leaks.prefix(3))")
                }
            }
        }
    }

    @Test("every log line of a request carries its connection, sequence number and verb")
    func requestMetadata() async throws {
        let (logger, lines) = CapturingLogHandler.logger()
        try await withOpenClients {
            try await withTestServer(logger: logger) { server in
                let till = try await server.till("till-meta")
                let member = try await till.enroll()
                _ = try await till.earn(member, points: 3)
                let requestLines = lines.all.filter { $0.contains("verb=EARN") }
                #expect(!requestLines.isEmpty)
                for line in requestLines {
                    #expect(line.contains("conn=") && line.contains("seq=") && line.contains("terminal=till-meta") && line.contains("req=earn-"), "\(line)")
                }
            }
        }
    }
}

import Foundation
import LoyaltyCore
import LoyaltyProtocol
import LoyaltyServer
import LoyaltyStore
import Testing

/// The session's credential and certificate rules as pure transitions, without sockets or a database.
@Suite("Session credential checks (pure)")
struct SessionCredentialTests {
    static let balance = try! RequestParser(defaultRegion: .unitedStates).parse("BALANCE email=ada@example.com")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the secret is re-read after the interval, at its expiry, never for connection verbs or before AUTH")
    func recheck() {
        var session = SessionState()
        #expect(!session.needsCredentialCheck(for: Self.balance, at: Self.start, interval: .zero))
        let credential = TerminalCredential(secretHash: Array(repeating: 1, count: 32), expiresAt: Self.start.addingTimeInterval(10))
        session.authenticated(terminalID: 1, terminal: "till-1", store: nil, credential: credential, at: Self.start)
        #expect(!session.needsCredentialCheck(for: Self.balance, at: Self.start.addingTimeInterval(0.5), interval: .seconds(1)))
        #expect(session.needsCredentialCheck(for: Self.balance, at: Self.start.addingTimeInterval(1), interval: .seconds(1)))
        #expect(session.needsCredentialCheck(for: Self.balance, at: Self.start, interval: .zero))
        #expect(!session.needsCredentialCheck(for: .ping, at: Self.start.addingTimeInterval(60), interval: .seconds(1)))
        // At the expiry, even within the interval.
        session.credentialConfirmed(expiresAt: credential.expiresAt, at: Self.start.addingTimeInterval(9.5))
        #expect(session.needsCredentialCheck(for: Self.balance, at: Self.start.addingTimeInterval(10), interval: .seconds(60)))
        session.authenticationFailed()
        #expect(session.credential == nil)
        #expect(!session.needsCredentialCheck(for: Self.balance, at: Self.start.addingTimeInterval(100), interval: .zero))
    }

    @Test("a client certificate allows AUTH only as a terminal it names; no certificate allows any")
    func certificate() {
        #expect(SessionState().certificateAllows(terminal: "till-1"))
        let session = SessionState(clientCertificateNames: ["till-1", "till-1.berlin.example"])
        #expect(session.certificateAllows(terminal: "till-1"))
        #expect(!session.certificateAllows(terminal: "till-2"))
        #expect(!SessionState(clientCertificateNames: []).certificateAllows(terminal: "till-1"))
    }
}

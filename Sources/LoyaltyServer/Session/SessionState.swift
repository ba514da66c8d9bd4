import Foundation
import LoyaltyProtocol
import LoyaltyStore

/// The state of one terminal connection, apart from any I/O: the handler asks it what a request may
/// do and feeds it the outcomes.
public struct SessionState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case unauthenticated
        case authenticated(terminalID: Int64, terminal: String, store: String?)
        case closing
    }

    public private(set) var phase: Phase = .unauthenticated
    /// The names in the terminal's verified TLS client certificate; nil on plaintext or without one.
    public var clientCertificateNames: [String]?
    /// The secret the connection authenticated with, and when it was last found valid.
    public private(set) var credential: TerminalCredential?
    public private(set) var credentialCheckedAt: Date?

    public init(clientCertificateNames: [String]? = nil) {
        self.clientCertificateNames = clientCertificateNames
    }

    /// What to do with a parsed request in the current phase.
    public enum Decision: Sendable, Equatable {
        /// Handle it; `terminalID` is set once authenticated.
        case handle(terminalID: Int64?)
        /// Refuse it with `AUTH_REQUIRED`.
        case requireAuth
        /// The connection is closing: drop the request.
        case ignore
    }

    public func decide(_ request: Request) -> Decision {
        switch phase {
        case .closing:
            return .ignore
        case .unauthenticated:
            return request.allowedBeforeAuth ? .handle(terminalID: nil) : .requireAuth
        case .authenticated(let id, _, _):
            return .handle(terminalID: id)
        }
    }

    /// Whether a client certificate, when there is one, allows AUTH as `terminal`: it must name it.
    public func certificateAllows(terminal: String) -> Bool {
        clientCertificateNames.map { $0.contains(terminal) } ?? true
    }

    /// Whether the secret of this connection's AUTH must be re-read before `request` runs: the check is
    /// older than `interval`, or the secret's grace period has ended.
    public func needsCredentialCheck(for request: Request, at now: Date, interval: Duration) -> Bool {
        guard case .authenticated = phase, !request.allowedBeforeAuth, let credentialCheckedAt else { return false }
        if let expiry = credential?.expiresAt, now >= expiry { return true }
        return .seconds(now.timeIntervalSince(credentialCheckedAt)) >= interval
    }

    /// A successful AUTH; a later AUTH on the same connection switches terminal.
    public mutating func authenticated(
        terminalID: Int64, terminal: String, store: String?, credential: TerminalCredential? = nil, at now: Date = Date()
    ) {
        guard phase != .closing else { return }
        phase = .authenticated(terminalID: terminalID, terminal: terminal, store: store)
        self.credential = credential
        credentialCheckedAt = credential == nil ? nil : now
    }

    /// The re-read secret is still valid (`expiresAt` as now known: a rotation may have begun since AUTH).
    public mutating func credentialConfirmed(expiresAt: Date?, at now: Date) {
        credential?.expiresAt = expiresAt
        credentialCheckedAt = now
    }

    /// A failed AUTH drops any earlier authentication of this connection.
    public mutating func authenticationFailed() {
        guard phase != .closing else { return }
        phase = .unauthenticated
        credential = nil
        credentialCheckedAt = nil
    }

    /// The terminal was found revoked, or its secret replaced, while the connection was open.
    public mutating func terminalRevoked() {
        phase = .closing
    }

    /// QUIT, a too-long line, or shutdown.
    public mutating func close() {
        phase = .closing
    }

    public var isClosing: Bool { phase == .closing }

    public var terminalName: String? {
        if case .authenticated(_, let name, _) = phase { return name }
        return nil
    }
}

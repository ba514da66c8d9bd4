import LoyaltyProtocol

/// The state of one terminal connection, apart from any I/O: the handler asks it what a request may
/// do and feeds it the outcomes.
public struct SessionState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case unauthenticated
        case authenticated(terminalID: Int64, terminal: String, store: String?)
        case closing
    }

    public private(set) var phase: Phase = .unauthenticated

    public init() {}

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

    /// A successful AUTH; a later AUTH on the same connection switches terminal.
    public mutating func authenticated(terminalID: Int64, terminal: String, store: String?) {
        guard phase != .closing else { return }
        phase = .authenticated(terminalID: terminalID, terminal: terminal, store: store)
    }

    /// A failed AUTH drops any earlier authentication of this connection.
    public mutating func authenticationFailed() {
        guard phase != .closing else { return }
        phase = .unauthenticated
    }

    /// The terminal was found revoked while the connection was open.
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

import Foundation

/// Which of a terminal's secrets a connection authenticated with, as the server keeps it to re-check later.
public struct TerminalCredential: Sendable, Hashable {
    /// SHA-256 of the secret, never the secret itself.
    public var secretHash: [UInt8]
    /// When the secret stops being valid: set while it is the old secret of a rotation, nil otherwise.
    public var expiresAt: Date?

    public init(secretHash: [UInt8], expiresAt: Date?) {
        self.secretHash = secretHash
        self.expiresAt = expiresAt
    }
}

/// Whether terminals on the TLS port must present a client certificate signed by the configured CA
/// (setting `server.tls.client-auth`).
public enum ClientCertificatePolicy: String, Sendable, CaseIterable {
    /// No certificate is asked for; AUTH with the secret alone authenticates.
    case none
    /// A certificate is asked for; one that is presented must be valid and name the terminal.
    case optional
    /// A connection without a valid certificate fails the TLS handshake.
    case require
}

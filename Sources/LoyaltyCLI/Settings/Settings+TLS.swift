import Configuration
import LoyaltyCore
import LoyaltyServer

extension Settings {
    /// `server.tls.*`: the TLS listener, set up when `server.tls.certificate` is set. The files are read and
    /// checked when the server starts (``TerminalTLS/makeContext()``), not here, so that admin commands do
    /// not need them.
    static func terminalTLS(_ config: ConfigReader) throws(LoyaltyError) -> TerminalTLS? {
        let certificate = config.string(forKey: "server.tls.certificate")
        let key = config.string(forKey: "server.tls.key")
        let clientCA = config.string(forKey: "server.tls.client-ca")
        let policyText = config.string(forKey: "server.tls.client-auth", default: clientCA == nil ? "none" : "require")
        guard let policy = ClientCertificatePolicy(rawValue: policyText) else {
            throw LoyaltyError(.configuration, "server.tls.client-auth must be none, optional or require, got '\(policyText)'")
        }
        guard let certificate else {
            if key != nil || clientCA != nil {
                throw LoyaltyError(.configuration, "server.tls.key and server.tls.client-ca need server.tls.certificate")
            }
            return nil
        }
        guard let key else { throw LoyaltyError(.configuration, "server.tls.certificate needs server.tls.key") }
        return TerminalTLS(
            port: try integer(config, "server.tls.port", default: 7471, in: 0...65535), certificateChainFile: certificate,
            privateKeyFile: key, clientCAFile: clientCA, clientAuthentication: policy)
    }

    /// `server.plaintext`: whether the plaintext listener runs (default true).
    static func plaintextListener(_ config: ConfigReader) throws(LoyaltyError) -> Bool {
        if let value = config.bool(forKey: "server.plaintext") { return value }
        if let text = config.string(forKey: "server.plaintext") {
            throw LoyaltyError(.configuration, "server.plaintext must be true or false, got '\(text)'")
        }
        return true
    }
}

import Foundation
import LoyaltyCore
import NIOSSL

/// The TLS listener's settings (`server.tls.*`): PEM files for the server's certificate chain and key, and
/// optionally the CA that signs terminals' client certificates.
public struct TerminalTLS: Sendable, Equatable {
    /// Port of the TLS listener; 0 picks a free port (tests).
    public var port: Int
    /// PEM file with the server certificate first, then any intermediates.
    public var certificateChainFile: String
    /// PEM file with the server certificate's private key.
    public var privateKeyFile: String
    /// PEM file with the CA certificates that sign terminals' client certificates.
    public var clientCAFile: String?
    public var clientAuthentication: ClientCertificatePolicy

    public init(
        port: Int = 7471, certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil,
        clientAuthentication: ClientCertificatePolicy = .none
    ) {
        self.port = port
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.clientAuthentication = clientAuthentication
    }

    /// Loads the files and builds the context the listener's handshakes use.
    ///
    /// - Throws: `CONFIGURATION` naming the setting when a file is missing, unreadable or not PEM, when the
    ///   key does not belong to the certificate, or when client certificates are asked for without a CA.
    public func makeContext() throws(LoyaltyError) -> NIOSSLContext {
        let chain = try Self.certificates(certificateChainFile, setting: "server.tls.certificate")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: try Self.readable(privateKeyFile, setting: "server.tls.key"), format: .pem)
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.configuration, "server.tls.key: \(privateKeyFile) holds no PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        switch (clientAuthentication, clientCAFile) {
        case (.none, _):
            break
        case (_, nil):
            throw LoyaltyError(
                .configuration, "server.tls.client-auth \(clientAuthentication.rawValue) needs server.tls.client-ca")
        case (let policy, let file?):
            let roots = try Self.certificates(file, setting: "server.tls.client-ca")
            configuration.trustRoots = .certificates(roots)
            configuration.sendCANameList = true
            configuration.certificateVerification = policy == .require ? .noHostnameVerification : .optionalVerification
        }
        do {
            // BoringSSL refuses a key that is not the certificate's here.
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoyaltyError(
                .configuration,
                "server.tls.key: \(privateKeyFile) is not the key of the certificate in \(certificateChainFile) (\(error))")
        }
    }

    private static func certificates(_ path: String, setting: String) throws(LoyaltyError) -> [NIOSSLCertificate] {
        let file = try readable(path, setting: setting)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(file)
        } catch {
            throw LoyaltyError(.configuration, "\(setting): \(path) holds no PEM certificate")
        }
        guard !certificates.isEmpty else {
            throw LoyaltyError(.configuration, "\(setting): \(path) holds no PEM certificate")
        }
        return certificates
    }

    private static func readable(_ path: String, setting: String) throws(LoyaltyError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoyaltyError(.configuration, "\(setting): \(path) does not exist")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LoyaltyError(.configuration, "\(setting): \(path) cannot be read")
        }
        return path
    }
}

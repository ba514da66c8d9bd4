import Foundation
import NIOSSL

/// A throwaway PKI made with the `openssl` command in a temporary directory: a CA, a server certificate for
/// `localhost`/127.0.0.1, and client certificates whose common name is a terminal name.
public struct TestCertificates: Sendable {
    public let directory: String

    public var caCertificate: String { directory + "/ca.pem" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }

    /// Creates the CA and the server certificate in a new temporary directory.
    public static func make() throws -> TestCertificates {
        let certificates = TestCertificates(directory: try makeTemporaryDirectory(prefix: "tls"))
        try certificates.openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=Loyalty Test CA")
        try certificates.issue("server", commonName: "localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        return certificates
    }

    /// A client certificate (`NAME.pem`, `NAME.key`) signed by the CA, with `commonName` as its subject.
    public func client(_ name: String, commonName: String) throws -> (certificate: String, key: String) {
        try issue(name, commonName: commonName, extensions: "extendedKeyUsage=clientAuth")
        return ("\(directory)/\(name).pem", "\(directory)/\(name).key")
    }

    /// A key that belongs to no certificate here.
    public func strayKey() throws -> String {
        try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "stray.key")
        return directory + "/stray.key"
    }

    /// A client context that trusts the CA and, when given, presents a client certificate.
    public func clientContext(certificate: (certificate: String, key: String)? = nil) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(caCertificate)
        if let certificate {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate.certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: certificate.key, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    private func issue(_ name: String, commonName: String, extensions: String) throws {
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name).ext"))
        try openssl(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).csr", "-subj", "/CN=\(commonName)")
        try openssl(
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
            "-days", "2", "-extfile", "\(name).ext")
    }

    private func openssl(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestCertificateError(message: "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }
}

public struct TestCertificateError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

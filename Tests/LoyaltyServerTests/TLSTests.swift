import LoyaltyCore
import LoyaltyServer
import LoyaltyTesting
import NIOSSL
import Testing

@Suite("TLS on the terminal port (PostgreSQL, TCP, openssl)", .timeLimit(.minutes(6)))
struct TLSTests {
    static func tls(_ certificates: TestCertificates, _ policy: ClientCertificatePolicy = .none) -> TerminalTLS {
        TerminalTLS(
            port: 0, certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey,
            clientCAFile: policy == .none ? nil : certificates.caCertificate, clientAuthentication: policy)
    }

    @Test("a till speaks PING, AUTH and EARN over TLS; plaintext still works on its own port")
    func handshakeAndRequests() async throws {
        let certificates = try TestCertificates.make()
        try await withServer(configure: { $0.tls = Self.tls(certificates) }) { server in
            let tlsPort = try #require(server.tlsPort)
            #expect(tlsPort != server.port)
            let (name, secret) = try await server.addTerminal("till-1")
            let client = OpenClients.track(try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext()))
            #expect(try await client.pings())
            let auth = try await client.ok("AUTH terminal=\(name) secret=\(secret)")
            #expect(auth["terminal"] == "till-1")
            let member = try await client.enroll()
            let earned = try await client.ok("EARN req=\(newRequestID()) member=\(member) points=25")
            #expect(earned["points"] == "25")
            #expect(try await server.entryCount(member) == 1)
            // The plaintext listener serves the same terminals meanwhile.
            let plain = try await server.connect(as: (name, secret))
            #expect(try await plain.balance(member) == 25)
        }
    }

    @Test("with plaintext disabled only the TLS listener runs; plaintext on the TLS port gets no reply")
    func plaintextDisabled() async throws {
        let certificates = try TestCertificates.make()
        try await withServer(configure: {
            $0.tls = Self.tls(certificates)
            $0.plaintext = false
        }) { server in
            #expect(server.port == 0, "no plaintext listener was started")
            let tlsPort = try #require(server.tlsPort)
            let raw = OpenClients.track(try await LineClient.connect(port: tlsPort))
            try await raw.send("PING")
            #expect(try await serverCloses(raw, within: .seconds(5)))
            let client = OpenClients.track(try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext()))
            #expect(try await client.pings())
        }
    }

    @Test("client certificates required: none is refused, the terminal's own works, another terminal's is refused")
    func clientCertificatesRequired() async throws {
        let certificates = try TestCertificates.make()
        let till1 = try certificates.client("till-1", commonName: "till-1")
        try await withServer(configure: { $0.tls = Self.tls(certificates, .require) }) { server in
            let tlsPort = try #require(server.tlsPort)
            let first = try await server.addTerminal("till-1")
            let second = try await server.addTerminal("till-2")

            let anonymous = OpenClients.track(try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext()))
            let refused = try? await anonymous.request("PING")
            #expect(refused == nil, "a till without a certificate got \(refused ?? "")")

            let client = OpenClients.track(
                try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext(certificate: till1)))
            #expect(try await client.err("AUTH terminal=\(second.name) secret=\(second.secret)") == "AUTH_FAILED")
            #expect(try await client.err("BALANCE member=0000000000") == "AUTH_REQUIRED")
            #expect(try await client.ok("AUTH terminal=\(first.name) secret=\(first.secret)")["terminal"] == "till-1")
            // The certificate does not replace the secret.
            #expect(try await client.err("AUTH terminal=\(first.name) secret=wrong") == "AUTH_FAILED")
            #expect(try await client.ok("AUTH terminal=\(first.name) secret=\(first.secret)")["terminal"] == "till-1")
            let member = try await client.enroll()
            #expect(try await client.ok("EARN req=\(newRequestID()) member=\(member) points=5")["points"] == "5")
        }
    }

    @Test("client certificates optional: a till without one authenticates with its secret; one with a wrong CN is refused")
    func clientCertificatesOptional() async throws {
        let certificates = try TestCertificates.make()
        let other = try certificates.client("other", commonName: "till-9")
        try await withServer(configure: { $0.tls = Self.tls(certificates, .optional) }) { server in
            let tlsPort = try #require(server.tlsPort)
            let terminal = try await server.addTerminal("till-1")
            let plain = OpenClients.track(try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext()))
            #expect(try await plain.ok("AUTH terminal=\(terminal.name) secret=\(terminal.secret)")["terminal"] == "till-1")
            let wrong = OpenClients.track(
                try await LineClient.connect(port: tlsPort, tls: try certificates.clientContext(certificate: other)))
            #expect(try await wrong.err("AUTH terminal=\(terminal.name) secret=\(terminal.secret)") == "AUTH_FAILED")
        }
    }

    @Test("bad TLS configuration is refused at start with CONFIGURATION")
    func badConfiguration() throws {
        let certificates = try TestCertificates.make()
        let stray = try certificates.strayKey()
        let cases: [(TerminalTLS, String)] = [
            (TerminalTLS(certificateChainFile: certificates.directory + "/missing.pem", privateKeyFile: certificates.serverKey), "does not exist"),
            (TerminalTLS(certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.directory + "/none.key"), "does not exist"),
            (TerminalTLS(certificateChainFile: certificates.serverKey, privateKeyFile: certificates.serverKey), "holds no PEM certificate"),
            (TerminalTLS(certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.caCertificate), "holds no PEM private key"),
            (TerminalTLS(certificateChainFile: certificates.serverCertificate, privateKeyFile: stray), "is not the key of the certificate"),
            (TerminalTLS(certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey, clientAuthentication: .require), "needs server.tls.client-ca"),
        ]
        for (tls, message) in cases {
            let error = #expect(throws: LoyaltyError.self) { try tls.makeContext() }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "") should say \(message)")
        }
        _ = try Self.tls(certificates, .require).makeContext()
    }
}

import NIOCore
import NIOSSL
import X509

/// The terminal names a verified client certificate stands for: its subject's common names and its DNS
/// subject alternative names. AUTH on such a connection must name one of them.
enum ClientCertificateNames {
    /// The names in the peer's certificate; nil on a plaintext connection or when the terminal sent none.
    static func of(_ channel: any Channel) async -> [String]? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return names(in: certificate)
    }

    static func names(in certificate: NIOSSLCertificate) -> [String] {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return [] }
        var names: [String] = []
        for relativeName in parsed.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                if let name = String(attribute.value) { names.append(name) }
            }
        }
        if let alternatives = try? parsed.extensions.subjectAlternativeNames {
            for case .dnsName(let name) in alternatives { names.append(name) }
        }
        return names
    }
}

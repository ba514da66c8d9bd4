import Crypto
import Foundation

/// Terminal secrets: 256 random bits, shown once, stored as SHA-256.
///
/// A fast hash is the right tool here: the secret is a random key, not a password a person chose,
/// so there is nothing for a slow KDF to protect against.
enum TerminalSecret {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "lts_" + encoded
    }

    static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Compares in time independent of where the hashes differ.
    static func matches(_ secret: String, hash stored: [UInt8]) -> Bool {
        let computed = hash(secret)
        guard computed.count == stored.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(computed, stored) { difference |= a ^ b }
        return difference == 0
    }
}

import Crypto
import LoyaltyCore

/// The `Loyalty-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256>` of
/// `"<t>.<body>"` under the subscription's secret (its UTF-8 bytes, `whsec_…` included). A receiver
/// recomputes it, compares in constant time, and refuses a timestamp too far from its clock (replays).
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int64, body: String) -> String {
        "t=\(timestamp),v1=\(code(secret: secret, timestamp: timestamp, body: body))"
    }

    /// The hex HMAC of `"<timestamp>.<body>"`.
    public static func code(secret: String, timestamp: Int64, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return mac.lowercaseHex
    }
}

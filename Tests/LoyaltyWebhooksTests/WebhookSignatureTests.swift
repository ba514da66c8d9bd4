import LoyaltyWebhooks
import Testing

@Suite("Webhook signature")
struct WebhookSignatureTests {
    @Test("t=…,v1= is HMAC-SHA256 of \"<t>.<body>\" under the secret's bytes (vector from Python's hmac module)")
    func vector() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test", b"1700000000.{\"id\":1}", hashlib.sha256).hexdigest())'
        #expect(
            WebhookSignature.header(secret: "whsec_test", timestamp: 1_700_000_000, body: #"{"id":1}"#)
                == "t=1700000000,v1=2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8")
        #expect(
            WebhookSignature.code(secret: "whsec_test", timestamp: 1_700_000_001, body: #"{"id":1}"#)
                != WebhookSignature.code(secret: "whsec_test", timestamp: 1_700_000_000, body: #"{"id":1}"#))
    }
}

/// A delivery to attempt now.
public struct DueWebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var event: Int64
    public var body: String
    public var attempts: Int
}

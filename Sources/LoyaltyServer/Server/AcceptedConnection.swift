import LoyaltyProtocol
import NIOConcurrencyHelpers
import NIOCore

/// An accepted connection on its way from the listener to the task that serves it.
///
/// NIO drops connections that are accepted while the listener closes, before the accept loop sees
/// them (apple/swift-nio#2813); a dropped `NIOAsyncChannel` whose writer was never finished traps.
/// Wrapped in this, such a connection is closed properly instead.
final class AcceptedConnection: Sendable {
    typealias Channel = NIOAsyncChannel<Frame, ByteBuffer>

    private let channel: NIOLockedValueBox<Channel?>

    init(_ channel: Channel) {
        self.channel = NIOLockedValueBox(channel)
    }

    /// The connection, for the task that serves it; nil once taken.
    func take() -> Channel? {
        channel.withLockedValue { channel in
            defer { channel = nil }
            return channel
        }
    }

    deinit {
        if let channel = take() {
            Task { try? await channel.executeThenClose { _, _ in } }
        }
    }
}

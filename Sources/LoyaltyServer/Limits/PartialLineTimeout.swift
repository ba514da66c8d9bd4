import LoyaltyCore
import LoyaltyProtocol
import NIOCore

/// Closes a connection whose current line is not finished within the read time-out, with `ERR LIMIT`.
///
/// The idle time-out alone does not stop a client that sends one byte of a line every few seconds:
/// every byte is activity. This clock starts at the first byte of an unfinished line and stops at its LF,
/// whatever arrives in between. It only runs against the client: while the server does not read (its
/// request queue is full, for example behind a slow database), the time-out is put off.
final class PartialLineTimeout: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Whether the server asked for more input since the last bytes arrived.
    private var waitingForInput = true

    init(timeout: Duration) {
        self.timeout = .nanoseconds(timeout.nanoseconds)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytesView
        waitingForInput = false
        if let last = bytes.last {
            if last == UInt8(ascii: "\n") {
                stopTimer()
            } else if bytes.contains(UInt8(ascii: "\n")) {
                // A line was finished and a new one begun: its time starts now.
                stopTimer()
                startTimer(context)
            } else if timer == nil {
                startTimer(context)
            }
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        waitingForInput = true
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
    }

    private func startTimer(_ context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard context.channel.isActive else { return }
            guard waitingForInput else {
                // The server is not reading: not the client's fault. Look again later.
                startTimer(context)
                return
            }
            var reply = context.channel.allocator.buffer(capacity: 96)
            Reply.error(LoyaltyError(.limit, "line not finished within the read time-out; closing")).encode(into: &reply)
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for webhook tests: it records every request and answers with the
/// status the test sets (200 unless told otherwise).
public final class HTTPReceiver: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: String
    }

    private let channel: any Channel
    private let state: Mutex<(requests: [Request], status: Int)>

    /// The port it listens on.
    public var port: Int { channel.localAddress?.port ?? 0 }
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Every request so far, in the order they arrived.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// The status later requests get.
    public func answer(_ status: Int) { state.withLock { $0.status = status } }

    private init(channel: any Channel) {
        self.channel = channel
        self.state = Mutex(([], 200))
    }

    public static func start() async throws -> HTTPReceiver {
        let box = StateBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = HTTPReceiver(channel: channel)
        box.receiver.withLock { $0 = receiver }
        return receiver
    }

    public func stop() async {
        try? await channel.close()
    }

    fileprivate func record(_ request: Request) -> Int {
        state.withLock {
            $0.requests.append(request)
            return $0.status
        }
    }

    /// Lets the handlers reach the receiver, which exists only once the channel is bound.
    private final class StateBox: Sendable {
        let receiver = Mutex<HTTPReceiver?>(nil)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: StateBox
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(box: StateBox) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: head.method.rawValue, path: head.uri, headers: headers, body: String(buffer: body))
                let status = box.receiver.withLock { $0 }?.record(request) ?? 500
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Length", value: "2")
                let response = HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}

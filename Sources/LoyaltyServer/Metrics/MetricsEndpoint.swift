import Foundation
import Logging
import LoyaltyCore
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A minimal HTTP/1.1 server for the metrics scrape: `GET /metrics` answers `render()`'s text, anything else
/// 404 or 405. One response per connection (`Connection: close`); a connection that sends nothing for
/// five seconds is closed. A `Service`: it stops with the group.
public struct MetricsEndpoint: Service {
    /// The Prometheus text exposition format's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let host: String
    let port: Int
    let render: @Sendable () -> [UInt8]
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let onRunning: @Sendable (SocketAddress) async -> Void

    /// - Parameters:
    ///   - render: the exposition text, made afresh for each scrape.
    ///   - onRunning: called with the bound address (tests bind port 0 and learn the port here).
    public init(
        host: String, port: Int, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        render: @escaping @Sendable () -> [UInt8], onRunning: @escaping @Sendable (SocketAddress) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.render = render
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onRunning = onRunning
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public func run() async throws {
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(5)))
                        try pipeline.addHandler(IdleConnectionCloser())
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw LoyaltyError(.configuration, "cannot serve metrics on \(host):\(port): \(error)")
        }
        guard let address = server.channel.localAddress else { throw ServerError.noLocalAddress }
        logger.info("serving metrics", metadata: ["address": "\(address)", "path": "/metrics"])
        await onRunning(address)
        let listener = server.channel
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await respond(on: connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            listener.close(promise: nil)
        }
    }

    private func respond(on connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let request): head = request
                    case .body: continue
                    case .end:
                        guard let request = head else { return }
                        let (status, body) = answer(request)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: status == .ok ? Self.contentType : "text/plain; charset=utf-8")
                        headers.add(name: "Content-Length", value: String(body.count))
                        headers.add(name: "Connection", value: "close")
                        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
                        if request.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                        }
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ request: HTTPRequestHead) -> (HTTPResponseStatus, [UInt8]) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        guard path == "/metrics" else { return (.notFound, Array("not found; the metrics are at /metrics\n".utf8)) }
        guard request.method == .GET || request.method == .HEAD else {
            return (.methodNotAllowed, Array("use GET\n".utf8))
        }
        return (.ok, render())
    }
}

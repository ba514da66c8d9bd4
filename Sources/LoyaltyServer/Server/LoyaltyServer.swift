import Foundation
import Logging
import LoyaltyCore
import LoyaltyProtocol
import LoyaltyStore
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The TCP server that point-of-sale terminals talk to. A `Service`: run it in a `ServiceGroup`
/// after the PostgreSQL client, so that on shutdown it drains while the database is still there.
///
/// Each connection is served by one task that reads a line, handles it, writes the reply and reads
/// the next, so replies come in request order however many requests a terminal pipelines.
public struct LoyaltyServer: Service {
    let configuration: ServerConfiguration
    let handler: RequestHandler
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let metrics: ServerMetrics
    let onServerRunning: @Sendable (SocketAddress) async -> Void
    let onTLSServerRunning: @Sendable (SocketAddress) async -> Void

    /// - Parameters:
    ///   - metrics: where requests, connections and database errors are counted (swift-metrics' global
    ///     factory by default, a no-op until the process bootstraps one).
    ///   - onServerRunning: called with the plaintext listener's address once it accepts connections
    ///     (tests bind port 0 and learn the port here).
    ///   - onTLSServerRunning: the same for the TLS listener, when ``ServerConfiguration/tls`` is set.
    public init(
        configuration: ServerConfiguration, store: LoyaltyStore, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        metrics: ServerMetrics = ServerMetrics(),
        onServerRunning: @escaping @Sendable (SocketAddress) async -> Void = { _ in },
        onTLSServerRunning: @escaping @Sendable (SocketAddress) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.handler = RequestHandler(
            store: store, configuration: configuration, eventLoopGroup: eventLoopGroup, metrics: metrics)
        self.metrics = metrics
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onServerRunning = onServerRunning
        self.onTLSServerRunning = onTLSServerRunning
    }

    public func run() async throws {
        let listeners = try await TerminalListeners.open(configuration) { port, tls throws(LoyaltyError) in
            try await bind(port: port, tls: tls)
        }
        for (channel, isTLS) in listeners.all {
            guard let address = channel.channel.localAddress else { throw ServerError.noLocalAddress }
            logger.info("listening for terminals", metadata: ["address": "\(address)", "tls": "\(isTLS)"])
            await (isTLS ? onTLSServerRunning : onServerRunning)(address)
        }

        let registry = ConnectionRegistry()
        let limiter = ClientLimiter(configuration.limits)
        let gracePeriod = configuration.shutdownGracePeriod
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                // Both listeners feed one stream, so that this task alone adds the connections' tasks.
                let (accepted, sink) = AsyncStream.makeStream(of: AcceptedConnection.self)
                group.addTask {
                    defer { sink.finish() }
                    try await withThrowingDiscardingTaskGroup { accepting in
                        for (serverChannel, _) in listeners.all {
                            accepting.addTask {
                                try await serverChannel.executeThenClose { connections in
                                    for try await connection in connections { sink.yield(connection) }
                                }
                            }
                        }
                    }
                }
                for await connection in accepted {
                    guard let connection = connection.take() else { continue }
                    group.addTask {
                        await serve(connection, registry: registry, limiter: limiter)
                    }
                }
                // The listener is closed; connections drain. Past the grace period, close them anyway.
                group.addTask {
                    try? await Task.sleep(for: gracePeriod)
                    registry.closeAll()
                }
                while registry.count > 0, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            logger.info("shutting down: no new connections, finishing requests in flight")
            registry.beginShutdown()
            for (listener, _) in listeners.all { listener.channel.close(promise: nil) }
        }
        logger.info("terminal server stopped")
    }

    /// Opens the listening socket; a failure (port in use, address not available) is a configuration error.
    private func bind(port: Int, tls: NIOSSLContext?) async throws(LoyaltyError) -> NIOAsyncChannel<AcceptedConnection, Never> {
        do {
            let maximumLineLength = configuration.maximumLineLength
            let readTimeout = configuration.limits.readTimeout
            let idle = configuration.idleTimeout.components
            let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
            return try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Accept many connections per event-loop tick: a store estate reconnects all at once.
                .serverChannelOption(.maxMessagesPerRead, value: 64)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                .bind(host: configuration.host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                        try pipeline.addHandler(IdleConnectionCloser())
                        try pipeline.addHandler(PartialLineTimeout(timeout: readTimeout))
                        try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                        return AcceptedConnection(try NIOAsyncChannel<Frame, ByteBuffer>(wrappingChannelSynchronously: channel))
                    }
                }
        } catch let error as IOError {
            throw LoyaltyError(
                .configuration,
                "cannot listen on \(configuration.host):\(port): \(String(cString: strerror(error.errnoCode)))")
        } catch {
            throw LoyaltyError(.configuration, "cannot listen on \(configuration.host):\(port): \(error)")
        }
    }

    private func serve(
        _ connection: NIOAsyncChannel<Frame, ByteBuffer>, registry: ConnectionRegistry, limiter: ClientLimiter
    ) async {
        let channel = connection.channel
        let source = ClientLimiter.Source(peer: channel.remoteAddress)
        guard limiter.openConnection(from: source) else {
            await refuse(connection, source: source)
            return
        }
        defer { limiter.closeConnection(from: source) }
        guard let id = registry.register(channel) else {
            // Accepted while shutting down. Closing through executeThenClose finishes the channel's
            // writer; dropping it unfinished would trap in NIO.
            try? await connection.executeThenClose { _, _ in }
            return
        }
        metrics.connectionsAccepted.increment()
        metrics.connectionsOpen.increment()
        defer {
            registry.remove(id)
            metrics.connectionsOpen.decrement()
        }
        var logger = self.logger
        logger[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "?")"
        logger[metadataKey: "conn"] = "\(id)"
        var sequence = 0
        do {
            try await connection.executeThenClose { inbound, outbound in
                var session = SessionState()
                var certificateRead = false
                for try await frame in inbound {
                    var reply = channel.allocator.buffer(capacity: 128)
                    switch frame {
                    case .tooLong:
                        Reply.error(.init(.lineTooLong, "line longer than \(configuration.maximumLineLength) bytes"))
                            .encode(into: &reply)
                        try await outbound.write(reply)
                        return
                    case .line(let line):
                        if RequestParser.isBlank(line) { continue }
                        if !certificateRead {
                            // The first line arrives after the handshake: the peer's certificate is known now.
                            certificateRead = true
                            session.clientCertificateNames = await ClientCertificateNames.of(channel)
                        }
                        guard limiter.allowRequest(from: source, terminal: session.terminalID) else {
                            Reply.error(.init(.rateLimited, "too many requests; retry after a pause")).encode(into: &reply)
                            try await outbound.write(reply)
                            continue
                        }
                        let isAuth = AuthLine.matches(line)
                        if isAuth, let delay = limiter.authDelay(for: source) {
                            // Only this connection waits; the event loop and other connections go on.
                            try await Task.sleep(for: delay)
                        }
                        _ = registry.setBusy(id, true)
                        sequence += 1
                        // conn.seq names the request in the logs: unique in this process, even without a req.
                        logger[metadataKey: "seq"] = "\(sequence)"
                        if let terminal = session.terminalName { logger[metadataKey: "terminal"] = "\(terminal)" }
                        let answer = await handler.handle(line: line, session: &session, logger: logger)
                        if isAuth { Self.countAuth(answer, from: source, limiter: limiter, logger: logger) }
                        answer.encode(into: &reply)
                        try await outbound.write(reply)
                        let shuttingDown = registry.setBusy(id, false)
                        if session.isClosing || shuttingDown { return }
                    }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}

enum ServerError: Error {
    case noLocalAddress
}

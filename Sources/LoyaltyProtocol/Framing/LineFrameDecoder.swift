import NIOCore

/// Splits the inbound byte stream into request lines.
///
/// - Lines end in LF; one CR before the LF is stripped, so CRLF works too.
/// - A line whose content (excluding the CRLF or LF) is longer than `maximumLineLength` bytes produces
///   ``Frame/tooLong`` exactly once; from then on every further byte is discarded, because the server
///   replies `ERR LINE_TOO_LONG` and closes the connection.
/// - The decoder never keeps more than `maximumLineLength + 1` unconsumed bytes, however much arrives
///   without a newline: a client cannot make the server buffer an unbounded line.
/// - At end of input, complete lines still buffered are delivered; a final line without LF is dropped
///   (a request is only a request once its LF has arrived).
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// The longest line content accepted, in bytes, excluding the line terminator.
    public let maximumLineLength: Int

    /// How many bytes of the partial line at the front of the buffer are known to contain no LF,
    /// so that a line arriving byte by byte is not searched from its start every time.
    private var scannedBytes = 0
    /// Set once a line was too long: everything after it is thrown away.
    private var discarding = false

    /// - Parameter maximumLineLength: the longest line content in bytes (at least 1), excluding CR and LF.
    public init(maximumLineLength: Int = 8192) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    /// Emits the next complete line (or ``Frame/tooLong``) and asks to be called again, or waits for more bytes.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// At end of input or removal: delivers the complete lines left and drops an unterminated last line.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if let frame = nextFrame(from: &buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
        // An unterminated last line is not a request: drop it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        scannedBytes = 0
        return .needMoreData
    }

    /// Takes the next frame off the front of `buffer`, or returns nil when more bytes are needed.
    /// The channel-free core of ``decode(context:buffer:)``.
    mutating func nextFrame(from buffer: inout ByteBuffer) -> Frame? {
        if discarding {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        let view = buffer.readableBytesView
        // The longest acceptable line occupies its content, a CR and the LF.
        let searchEnd = view.startIndex + min(view.count, maximumLineLength + 2)
        let searchStart = view.startIndex + min(scannedBytes, view.count)
        if let newline = view[searchStart..<searchEnd].firstIndex(of: UInt8(ascii: "\n")) {
            scannedBytes = 0
            let terminated = newline - view.startIndex
            var contentLength = terminated
            if contentLength > 0, view[newline - 1] == UInt8(ascii: "\r") {
                contentLength -= 1
            }
            guard contentLength <= maximumLineLength else { return startDiscarding(&buffer) }
            guard let line = buffer.readSlice(length: contentLength) else { return nil }
            buffer.moveReaderIndex(forwardBy: terminated + 1 - contentLength)
            return .line(line)
        }
        guard view.count < maximumLineLength + 2 else { return startDiscarding(&buffer) }
        scannedBytes = view.count
        return nil
    }

    private mutating func startDiscarding(_ buffer: inout ByteBuffer) -> Frame {
        discarding = true
        scannedBytes = 0
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .tooLong
    }
}

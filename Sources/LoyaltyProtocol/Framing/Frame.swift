import NIOCore

/// What ``LineFrameDecoder`` produces from the bytes a terminal sends.
public enum Frame: Sendable, Equatable {
    /// One request line: the bytes before the LF, without the LF and without one trailing CR.
    case line(ByteBuffer)
    /// The line in progress is longer than the limit. Emitted once; the decoder then discards
    /// all further input, and the server answers `ERR LINE_TOO_LONG` and closes the connection.
    case tooLong
}

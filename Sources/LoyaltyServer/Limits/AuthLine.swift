import NIOCore

/// Recognises an `AUTH` request line from its first token, before it is parsed, so that the AUTH
/// backoff can delay it without the parser's help.
enum AuthLine {
    /// Whether the first token of the line is `AUTH` in any letter case (the protocol's verb rule).
    static func matches(_ line: ByteBuffer) -> Bool {
        let bytes = line.readableBytesView
        guard let start = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
            bytes.endIndex - start >= 4
        else { return false }
        let verb = "AUTH".utf8
        for (offset, letter) in verb.enumerated() where bytes[start + offset] & 0xDF != letter {
            return false
        }
        let after = start + 4
        return after == bytes.endIndex || bytes[after] == UInt8(ascii: " ") || bytes[after] == UInt8(ascii: "\t")
    }
}

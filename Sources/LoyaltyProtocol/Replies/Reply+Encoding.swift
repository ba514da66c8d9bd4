import LoyaltyCore
import NIOCore

extension Reply {
    /// Writes the reply as complete protocol lines, each ending in LF:
    /// - `.ok(fields)`: `OK k=v k=v`
    /// - `.list(header, items)`: `OK count=N <header pairs>`, then one line of pairs per item (no `OK`)
    /// - `.error(error)`: `ERR CODE message`, the message cut to 200 characters and control characters
    ///   replaced by spaces.
    ///
    /// Values are written bare or double-quoted as ``ReplyLine`` and the request tokenizer expect.
    /// Keys are written as given; they must be lower-case identifiers, and a list header must not
    /// contain `count`.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .ok(let fields):
            buffer.writeStaticString("OK")
            buffer.writeReplyPairs(fields)
            buffer.writeInteger(UInt8(ascii: "\n"))
        case .list(let header, let items):
            buffer.writeStaticString("OK count=")
            buffer.writeString(String(items.count))
            buffer.writeReplyPairs(header)
            buffer.writeInteger(UInt8(ascii: "\n"))
            for item in items {
                for (index, pair) in item.pairs.enumerated() {
                    if index > 0 { buffer.writeInteger(UInt8(ascii: " ")) }
                    buffer.writeReplyPair(pair)
                }
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
        case .error(let error):
            buffer.writeStaticString("ERR ")
            buffer.writeErrorCode(error.code.rawValue)
            if !error.message.isEmpty {
                buffer.writeInteger(UInt8(ascii: " "))
                buffer.writeErrorMessage(error.message)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
    }

    /// The encoded reply as text, every line ending in LF. For tests and documentation; the server
    /// uses ``encode(into:)``.
    public var encodedString: String {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return String(buffer: buffer)
    }
}

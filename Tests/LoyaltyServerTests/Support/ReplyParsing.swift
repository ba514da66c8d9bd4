/// A small, independent reader of reply lines, so that these tests do not trust the server's own codec.
///
/// `OK k=v k="quoted value"` → fields; `ERR CODE message` → code. Values are bare (no blank, no `"`)
/// or double-quoted with the escapes `\"` `\\` `\n` `\r` `\t`.

/// A reply that was not what the test needed.
struct UnexpectedReply: Error, CustomStringConvertible {
    let reply: String
    let reason: String
    var description: String { "\(reason): \(reply.debugDescription)" }
}

/// The fields of an `OK …` line. Throws when the line is not `OK` or is malformed.
func okFields(_ line: String) throws -> [String: String] {
    guard line == "OK" || line.hasPrefix("OK ") else { throw UnexpectedReply(reply: line, reason: "expected OK") }
    return try replyPairs(line.dropFirst(2), line: line)
}

/// The fields of an item line of a list reply (pairs only, no `OK`).
func itemFields(_ line: String) throws -> [String: String] {
    try replyPairs(line[...], line: line)
}

/// The code of an `ERR CODE message` line, or nil for any other line.
func errorCode(_ line: String) -> String? {
    guard line.hasPrefix("ERR ") else { return nil }
    let code = line.dropFirst(4).prefix { $0 != " " }
    return code.isEmpty ? nil : String(code)
}

private func replyPairs(_ text: Substring, line: String) throws -> [String: String] {
    let bytes = Array(text.utf8)
    let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), equals = UInt8(ascii: "=")
    func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    func malformed(_ why: String) -> UnexpectedReply { UnexpectedReply(reply: line, reason: "malformed reply (\(why))") }

    var fields: [String: String] = [:]
    var index = 0
    while true {
        while index < bytes.count, isBlank(bytes[index]) { index += 1 }
        if index == bytes.count { return fields }
        let keyStart = index
        while index < bytes.count, bytes[index] != equals, !isBlank(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == equals, index > keyStart else { throw malformed("expected key=value") }
        let key = String(decoding: bytes[keyStart..<index], as: UTF8.self)
        index += 1
        var value: [UInt8] = []
        if index < bytes.count, bytes[index] == quote {
            index += 1
            var closed = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == quote {
                    closed = true
                    break
                }
                guard byte == backslash else {
                    value.append(byte)
                    continue
                }
                guard index < bytes.count else { throw malformed("dangling escape") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case quote, backslash: value.append(escaped)
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default: throw malformed("unknown escape")
                }
            }
            guard closed else { throw malformed("unterminated quote") }
            guard index == bytes.count || isBlank(bytes[index]) else { throw malformed("text after a closing quote") }
        } else {
            while index < bytes.count, !isBlank(bytes[index]) {
                guard bytes[index] != quote else { throw malformed("quote inside a bare value") }
                value.append(bytes[index])
                index += 1
            }
        }
        guard fields[key] == nil else { throw malformed("repeated key \(key)") }
        fields[key] = String(decoding: value, as: UTF8.self)
    }
}

extension Dictionary where Key == String, Value == String {
    /// The integer value of a reply field; throws when it is absent or not a number.
    func int(_ key: String) throws -> Int64 {
        guard let text = self[key], let value = Int64(text) else {
            throw UnexpectedReply(reply: "\(self)", reason: "no integer field \(key)")
        }
        return value
    }
}

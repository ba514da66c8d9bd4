import NIOCore

/// Writing the pieces of a reply line straight into a buffer, without intermediate strings.
extension ByteBuffer {
    /// The longest error message sent, in Unicode scalars; longer messages are cut.
    static let maximumErrorMessageLength = 200

    /// Writes ` key=value` for every pair (each preceded by a space).
    mutating func writeReplyPairs(_ fields: ReplyFields) {
        for pair in fields.pairs {
            writeInteger(ASCII.space)
            writeReplyPair(pair)
        }
    }

    /// Writes `key=value`, the value bare or quoted as needed.
    mutating func writeReplyPair(_ pair: ReplyFields.Pair) {
        writeString(pair.key)
        writeInteger(ASCII.equals)
        writeReplyValue(pair.value)
    }

    /// Writes a value bare when it is non-empty and every byte is printable non-space ASCII other than
    /// `"` and `\` (or part of a non-ASCII character); otherwise double-quoted, with `"`, `\`, LF, CR and tab
    /// escaped. Other control characters cannot be written in the protocol and become spaces.
    mutating func writeReplyValue(_ value: String) {
        if !value.isEmpty, value.utf8.allSatisfy(Self.isBareValueByte) {
            writeString(value)
            return
        }
        writeInteger(ASCII.quote)
        for byte in value.utf8 {
            switch byte {
            case ASCII.quote, ASCII.backslash:
                writeInteger(ASCII.backslash)
                writeInteger(byte)
            case UInt8(ascii: "\n"): writeEscape(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): writeEscape(UInt8(ascii: "r"))
            case ASCII.tab: writeEscape(UInt8(ascii: "t"))
            case _ where ASCII.isForbiddenControl(byte): writeInteger(ASCII.space)
            default: writeInteger(byte)
            }
        }
        writeInteger(ASCII.quote)
    }

    /// Writes an error code: its upper-case letters, digits and underscores; anything else becomes `_`.
    mutating func writeErrorCode(_ code: String) {
        for byte in code.utf8 {
            let allowed = ASCII.isDigit(byte) || byte == ASCII.underscore || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            writeInteger(allowed ? byte : ASCII.underscore)
        }
    }

    /// Writes at most ``maximumErrorMessageLength`` scalars of `message`, control characters as spaces.
    mutating func writeErrorMessage(_ message: String) {
        for scalar in message.unicodeScalars.prefix(Self.maximumErrorMessageLength) {
            if scalar.isASCII {
                let byte = UInt8(truncatingIfNeeded: scalar.value)
                writeInteger(ASCII.isForbiddenControl(byte) || byte == ASCII.tab ? ASCII.space : byte)
            } else if scalar.properties.generalCategory == .control {
                writeInteger(ASCII.space)
            } else {
                UTF8.encode(scalar) { writeInteger($0) }
            }
        }
    }

    private mutating func writeEscape(_ letter: UInt8) {
        writeInteger(ASCII.backslash)
        writeInteger(letter)
    }

    private static func isBareValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte > 0x20 && byte < 0x7F && byte != ASCII.quote && byte != ASCII.backslash)
    }
}

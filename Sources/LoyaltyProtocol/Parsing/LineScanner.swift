import LoyaltyCore

/// A cursor over the bytes of one line (without its LF) that reads the protocol's tokens.
///
/// Creating a scanner checks the line as a whole (valid UTF-8, no control characters), so every
/// token read afterwards is a valid UTF-8 string: the tokens are cut at ASCII bytes only.
struct LineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(LoyaltyError) {
        var isASCII = true
        for byte in bytes {
            if ASCII.isForbiddenControl(byte) {
                throw LoyaltyError(.badRequest, "control character in line")
            }
            if byte >= 0x80 { isASCII = false }
        }
        if !isASCII, String(validating: bytes, as: UTF8.self) == nil {
            throw LoyaltyError(.badRequest, "line is not valid UTF-8")
        }
        self.bytes = bytes
    }

    /// Whether only blanks are left.
    mutating func isAtEnd() -> Bool {
        skipBlanks()
        return position == bytes.count
    }

    /// Reads the verb: one token of letters, returned upper-cased.
    mutating func verb() throws(LoyaltyError) -> String {
        let token = bareToken()
        guard !token.isEmpty else { throw LoyaltyError(.badRequest, "empty line") }
        return try commandName(token)
    }

    /// Reads the sub-verb after a family verb (`REDEEM` of `GIFT REDEEM`): the next token, when it holds
    /// no `=`, upper-cased. Nil, reading nothing, when the line ends or the next token is an argument.
    /// - Throws: `BAD_REQUEST` for a sub-verb of anything but letters.
    mutating func subVerb() throws(LoyaltyError) -> String? {
        let start = position
        let token = bareToken()
        guard !token.isEmpty, !token.contains(ASCII.equals) else {
            position = start
            return nil
        }
        return try commandName(token)
    }

    /// A verb or sub-verb: letters only, upper-cased. - Throws: `BAD_REQUEST` for anything else.
    private func commandName(_ token: Slice<UnsafeBufferPointer<UInt8>>) throws(LoyaltyError) -> String {
        guard token.allSatisfy(ASCII.isLetter) else {
            throw LoyaltyError(.badRequest, "malformed command name '\(InputExcerpt.of(bytes: token))'")
        }
        return String(decoding: token.lazy.map(ASCII.uppercased), as: UTF8.self)
    }

    /// Reads the next run of non-blank bytes, after skipping blanks; empty at the end of the line.
    mutating func bareToken() -> Slice<UnsafeBufferPointer<UInt8>> {
        skipBlanks()
        let start = position
        while position < bytes.count, !ASCII.isBlank(bytes[position]) { position += 1 }
        return bytes[start..<position]
    }

    /// Everything after the current position, less one separating blank.
    mutating func remainder() -> String {
        if position < bytes.count, ASCII.isBlank(bytes[position]) { position += 1 }
        defer { position = bytes.count }
        return String(decoding: bytes[position...], as: UTF8.self)
    }

    /// Reads `key=value` tokens up to the end of the line.
    mutating func arguments(maximum: Int) throws(LoyaltyError) -> [TokenizedLine.Argument] {
        var arguments: [TokenizedLine.Argument] = []
        while !isAtEnd() {
            let argument = try argument()
            guard !arguments.contains(where: { $0.key == argument.key }) else {
                throw LoyaltyError(.badRequest, "repeated argument \(argument.key)")
            }
            guard arguments.count < maximum else {
                throw LoyaltyError(.badRequest, "more than \(maximum) arguments")
            }
            arguments.append(argument)
        }
        return arguments
    }

    private mutating func skipBlanks() {
        while position < bytes.count, ASCII.isBlank(bytes[position]) { position += 1 }
    }

    private mutating func argument() throws(LoyaltyError) -> TokenizedLine.Argument {
        let start = position
        while position < bytes.count, ASCII.isKeyByte(bytes[position]) { position += 1 }
        let keyBytes = bytes[start..<position]
        guard position < bytes.count, bytes[position] == ASCII.equals, let first = keyBytes.first, ASCII.isLetter(first)
        else {
            position = start
            let token = bareToken()
            if token.contains(ASCII.equals) {
                throw LoyaltyError(.badRequest, "malformed argument key in '\(InputExcerpt.of(bytes: token))'")
            }
            throw LoyaltyError(.badRequest, "expected key=value, got '\(InputExcerpt.of(bytes: token))'")
        }
        guard keyBytes.count <= LineTokenizer.maximumKeyLength else {
            throw LoyaltyError(
                .badRequest, "argument key '\(InputExcerpt.of(bytes: keyBytes))' is longer than \(LineTokenizer.maximumKeyLength) characters")
        }
        let key = String(decoding: keyBytes.lazy.map(ASCII.lowercased), as: UTF8.self)
        position += 1  // the `=`
        let value = position < bytes.count && bytes[position] == ASCII.quote ? try quotedValue(key: key) : try bareValue(key: key)
        return TokenizedLine.Argument(key: key, value: value)
    }

    private mutating func bareValue(key: String) throws(LoyaltyError) -> String {
        let start = position
        while position < bytes.count, !ASCII.isBlank(bytes[position]) {
            guard bytes[position] != ASCII.quote else {
                throw LoyaltyError(.badRequest, "unexpected quote in the value of \(key)")
            }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func quotedValue(key: String) throws(LoyaltyError) -> String {
        position += 1  // the opening quote
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case ASCII.quote:
                guard position == bytes.count || ASCII.isBlank(bytes[position]) else {
                    throw LoyaltyError(.badRequest, "text after the closing quote of \(key)")
                }
                return String(decoding: value, as: UTF8.self)
            case ASCII.backslash:
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case ASCII.quote, ASCII.backslash: value.append(escaped)
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "t"): value.append(ASCII.tab)
                default:
                    let shown = escaped > 0x20 && escaped < 0x7F ? " \\\(Character(Unicode.Scalar(escaped)))" : ""
                    throw LoyaltyError(.badRequest, "invalid escape\(shown) in the value of \(key)")
                }
            default:
                value.append(byte)
            }
        }
        throw LoyaltyError(.badRequest, "unterminated quote in the value of \(key)")
    }
}

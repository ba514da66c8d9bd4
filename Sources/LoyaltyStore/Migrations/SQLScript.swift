import LoyaltyCore

/// Cuts a migration file into single statements, the way `psql` does.
///
/// PostgresNIO speaks only the extended query protocol, which runs one statement per query ("cannot insert
/// multiple commands into a prepared statement"), so a file with many statements is run statement by
/// statement. Semicolons inside quoted text do not end a statement: `'…'` (with `''`), `E'…'` (with
/// backslash escapes), `"…"` identifiers, `$$…$$` and `$tag$…$tag$` bodies, `--` and nested `/* */` comments,
/// and `BEGIN ATOMIC … END` bodies of SQL-standard `CREATE FUNCTION`/`CREATE PROCEDURE`.
struct SQLScript: Sendable {
    /// One statement, without its terminating semicolon or the comments before it.
    struct Statement: Sendable, Hashable {
        /// The statement's text.
        let text: String
        /// The 1-based line of the file where it starts.
        let line: Int
        /// Its first word, lower-cased (`create`, `insert`, `commit` …).
        let firstWord: String
    }

    let statements: [Statement]

    /// Splits `sql`; `name` is used in errors only.
    init(_ sql: String, name: String) throws(LoyaltyError) {
        var scanner = Scanner(bytes: Array(sql.utf8), name: name)
        statements = try scanner.scan()
    }
}

extension SQLScript {
    private struct Scanner {
        let bytes: [UInt8]
        let name: String
        var index = 0
        var line = 1
        var statements: [Statement] = []
        // The statement being read.
        var start: Int? = nil
        var startLine = 0
        var words: [String] = []
        var blockDepth = 0

        init(bytes: [UInt8], name: String) {
            self.bytes = bytes
            self.name = name
        }

        mutating func scan() throws(LoyaltyError) -> [Statement] {
            while index < bytes.count {
                let byte = bytes[index]
                if byte == ascii("\n") {
                    line += 1
                    index += 1
                } else if byte == ascii(" ") || byte == ascii("\t") || byte == ascii("\r") || byte == 0x0C {
                    index += 1
                } else if byte == ascii("-") && peek(1) == ascii("-") {
                    while index < bytes.count && bytes[index] != ascii("\n") { index += 1 }
                } else if byte == ascii("/") && peek(1) == ascii("*") {
                    try skipBlockComment()
                } else {
                    if start == nil {
                        start = index
                        startLine = line
                    }
                    try scanToken(byte)
                }
            }
            finishStatement(end: bytes.count)
            return statements
        }

        private mutating func scanToken(_ byte: UInt8) throws(LoyaltyError) {
            switch byte {
            case ascii(";"):
                if blockDepth > 0 {
                    index += 1
                } else {
                    finishStatement(end: index)
                    index += 1
                }
            case ascii("'"):
                let escapes = index > 0 && (bytes[index - 1] | 0x20) == ascii("e")
                    && (index < 2 || !Self.isIdentifierByte(bytes[index - 2]))
                try skipQuoted(ascii("'"), backslashEscapes: escapes, what: "string")
            case ascii("\""):
                try skipQuoted(ascii("\""), backslashEscapes: false, what: "quoted identifier")
            case ascii("$"):
                try skipDollar()
            case _ where Self.isIdentifierStart(byte):
                readWord()
            default:
                index += 1
            }
        }

        private mutating func readWord() {
            let wordStart = index
            while index < bytes.count && Self.isIdentifierByte(bytes[index]) { index += 1 }
            let word = String(decoding: bytes[wordStart..<index], as: UTF8.self).lowercased()
            if words.count < 4 { words.append(word) }
            guard isRoutineDefinition else { return }
            switch word {
            case "begin": blockDepth += 1
            case "case" where blockDepth > 0: blockDepth += 1
            case "end" where blockDepth > 0: blockDepth -= 1
            default: break
            }
        }

        /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, whose `BEGIN ATOMIC` body may hold semicolons.
        private var isRoutineDefinition: Bool {
            guard words.first == "create" else { return false }
            let rest = words.dropFirst().drop { $0 == "or" || $0 == "replace" }
            return rest.first == "function" || rest.first == "procedure"
        }

        private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool, what: String) throws(LoyaltyError) {
            let openedOn = line
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == ascii("\n") { line += 1 }
                if backslashEscapes && byte == ascii("\\") {
                    if peek(1) == ascii("\n") { line += 1 }
                    index += 2
                } else if byte == quote {
                    if peek(1) == quote {
                        index += 2
                    } else {
                        index += 1
                        return
                    }
                } else {
                    index += 1
                }
            }
            throw unterminated(what, openedOn)
        }

        private mutating func skipDollar() throws(LoyaltyError) {
            // `$1` parameters and `$` inside identifiers (handled by readWord) are not quotes.
            var tagEnd = index + 1
            if tagEnd < bytes.count && Self.isIdentifierStart(bytes[tagEnd]) {
                while tagEnd < bytes.count && Self.isIdentifierByte(bytes[tagEnd]) && bytes[tagEnd] != ascii("$") {
                    tagEnd += 1
                }
            }
            guard tagEnd < bytes.count, bytes[tagEnd] == ascii("$") else {
                index += 1
                return
            }
            let delimiter = Array(bytes[index...tagEnd])
            let openedOn = line
            index = tagEnd + 1
            while index < bytes.count {
                if bytes[index] == ascii("$") && bytes[index...].starts(with: delimiter) {
                    index += delimiter.count
                    return
                }
                if bytes[index] == ascii("\n") { line += 1 }
                index += 1
            }
            throw unterminated("\(String(decoding: delimiter, as: UTF8.self)) quote", openedOn)
        }

        private mutating func skipBlockComment() throws(LoyaltyError) {
            let openedOn = line
            var depth = 0
            repeat {
                guard index < bytes.count else { throw unterminated("/* comment", openedOn) }
                if bytes[index] == ascii("/") && peek(1) == ascii("*") {
                    depth += 1
                    index += 2
                } else if bytes[index] == ascii("*") && peek(1) == ascii("/") {
                    depth -= 1
                    index += 2
                } else {
                    if bytes[index] == ascii("\n") { line += 1 }
                    index += 1
                }
            } while depth > 0
        }

        private mutating func finishStatement(end: Int) {
            defer {
                start = nil
                words = []
                blockDepth = 0
            }
            guard let start, start < end else { return }
            var last = end
            while last > start && Self.isSpace(bytes[last - 1]) { last -= 1 }
            let text = String(decoding: bytes[start..<last], as: UTF8.self)
            statements.append(Statement(text: text, line: startLine, firstWord: words.first ?? ""))
        }

        private func peek(_ offset: Int) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        private func unterminated(_ what: String, _ openedOn: Int) -> LoyaltyError {
            LoyaltyError(.configuration, "migration \(name): unterminated \(what) starting on line \(openedOn)")
        }

        private static func isIdentifierStart(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= ascii("a") && (byte | 0x20) <= ascii("z") || byte == ascii("_") || byte >= 0x80
        }

        private static func isIdentifierByte(_ byte: UInt8) -> Bool {
            isIdentifierStart(byte) || (byte >= ascii("0") && byte <= ascii("9")) || byte == ascii("$")
        }

        private static func isSpace(_ byte: UInt8) -> Bool {
            byte == ascii(" ") || byte == ascii("\t") || byte == ascii("\n") || byte == ascii("\r") || byte == 0x0C
        }
    }
}

private func ascii(_ scalar: Unicode.Scalar) -> UInt8 {
    UInt8(ascii: scalar)
}

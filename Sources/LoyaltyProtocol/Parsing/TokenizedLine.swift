/// One line split into tokens by ``LineTokenizer``: a verb and ordered `key=value` arguments.
public struct TokenizedLine: Sendable, Hashable {
    /// The first token, upper-cased (`EARN`).
    public var verb: String
    /// The arguments in the order they were written, keys lower-cased, values unquoted and unescaped.
    public var arguments: [Argument]

    /// One `key=value` token.
    public struct Argument: Sendable, Hashable {
        /// The key, lower-cased: `[a-z][a-z0-9_]*`, at most ``LineTokenizer/maximumKeyLength`` characters.
        public var key: String
        /// The value after unquoting; may be empty (`key=` or `key=""`).
        public var value: String

        /// An argument with a lower-case key and an unquoted value.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// A line with the given verb (upper case) and arguments (keys lower case).
    public init(verb: String, arguments: [Argument]) {
        self.verb = verb
        self.arguments = arguments
    }

    /// The value of the argument named `key` (lower case), if present.
    public subscript(key: String) -> String? {
        arguments.first { $0.key == key }?.value
    }
}

import LoyaltyCore

/// One reply to one request: `OK key=value ...`, a list (`OK count=N` and N lines), or `ERR CODE message`.
public enum Reply: Sendable, Hashable {
    case ok(ReplyFields)
    /// `OK count=N <header fields>` followed by one line of fields per item.
    case list(ReplyFields, [ReplyFields])
    case error(LoyaltyError)
}

/// The ordered `key=value` pairs of a reply line. Keys are lower-case identifiers;
/// values are written bare or quoted by the encoder as needed.
public struct ReplyFields: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var pairs: [Pair]

    public struct Pair: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(_ pairs: [Pair] = []) { self.pairs = pairs }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.pairs = elements.map { Pair(key: $0.0, value: $0.1) }
    }

    public mutating func append(_ key: String, _ value: String) {
        pairs.append(Pair(key: key, value: value))
    }

    /// Appends the pair only when `value` is not nil.
    public mutating func append(_ key: String, _ value: String?) {
        if let value { pairs.append(Pair(key: key, value: value)) }
    }

    public subscript(key: String) -> String? {
        pairs.first { $0.key == key }?.value
    }
}

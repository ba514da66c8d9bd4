/// How customer ids from an import file are tidied before use.
public enum CustomerIDNormalisation: String, Sendable, Hashable, CaseIterable {
    /// Used as written (after trimming spaces).
    case asWritten
    /// A whole number written as a decimal loses its zero fraction: `17850.0` becomes `17850`.
    /// Some conversions of spreadsheets to CSV write integer ids as floating-point numbers.
    /// Anything other than digits followed by `.0` (or `.00` ...) is left alone.
    case integerFromDecimal

    /// Applies the rule to a trimmed id.
    public func apply(_ id: String) -> String {
        switch self {
        case .asWritten:
            return id
        case .integerFromDecimal:
            let bytes = Array(id.utf8)
            guard let point = bytes.firstIndex(of: UInt8(ascii: ".")), point > 0, point < bytes.count - 1,
                bytes[..<point].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                bytes[(point + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") })
            else {
                return id
            }
            return String(decoding: bytes[..<point], as: UTF8.self)
        }
    }
}

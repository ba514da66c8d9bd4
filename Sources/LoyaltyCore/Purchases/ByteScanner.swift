/// A cursor over the bytes of one field, for the small hand-written parsers of the import.
struct ByteScanner {
    private let bytes: ArraySlice<UInt8>
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    /// The next byte, or nil at the end.
    var next: UInt8? { isAtEnd ? nil : bytes[index] }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        index += 1
        return true
    }

    /// Consumes the next byte if it is one of `choices`, and returns it.
    mutating func take(oneOf choices: [UInt8]) -> UInt8? {
        guard let byte = next, choices.contains(byte) else { return nil }
        index += 1
        return byte
    }

    /// Consumes a run of spaces and returns how many there were.
    @discardableResult
    mutating func skipSpaces() -> Int {
        var count = 0
        while take(UInt8(ascii: " ")) { count += 1 }
        return count
    }

    /// Reads `minimum...maximum` ASCII digits as a number (at most `maximum`, even if more follow).
    mutating func number(digits range: ClosedRange<Int>) -> Int? {
        let (value, count) = digitsValue(maximum: range.upperBound)
        guard count >= range.lowerBound else { return nil }
        return value
    }

    /// Reads up to `maximum` ASCII digits and returns their value and how many there were.
    mutating func digitsValue(maximum: Int) -> (value: Int, count: Int) {
        var value = 0
        var count = 0
        while count < maximum, let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
            index += 1
        }
        return (value, count)
    }
}

/// The idempotency key a terminal puts on every mutating request (`req=`).
///
/// 1 to 64 characters of letters, digits and `-_.:`; unique per terminal, for ever: a retry reuses it,
/// a new request never does.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public static let maximumLength = 64

    public init(parsing text: some StringProtocol, argument: String = "req") throws(LoyaltyError) {
        guard (1...Self.maximumLength).contains(text.utf8.count),
            text.utf8.allSatisfy({ Self.allowed($0) })
        else {
            throw .badArgument(argument, "1 to \(Self.maximumLength) characters of A-Z a-z 0-9 - _ . :")
        }
        self.value = String(text)
    }

    public var description: String { value }

    static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: ":"):
            true
        default:
            false
        }
    }
}

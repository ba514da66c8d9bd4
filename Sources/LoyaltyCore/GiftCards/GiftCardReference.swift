/// How an administrator names one gift card: by its full code, by its batch and the last four characters
/// of its code (all that is kept in clear), or by its id (given when four characters are not enough).
public enum GiftCardReference: Sendable, Hashable, CustomStringConvertible {
    case code(GiftCardCode)
    case last4(batch: Int64, last4: String)
    case id(Int64)

    /// A batch and the last four characters of a code: four characters of the code alphabet, any case.
    /// - Throws: `BAD_ARGUMENT` for anything else, or a batch id that is not positive.
    public static func last4(batch: Int64, parsing text: some StringProtocol) throws(LoyaltyError) -> GiftCardReference {
        guard batch > 0 else { throw .badArgument("batch", "a batch id is a positive number") }
        guard text.utf8.count == 4 else {
            throw .badArgument("last4", "the last four characters of the code expected, got \(text.utf8.count)")
        }
        let values = try CodeAlphabet.values(of: text.utf8, argument: "last4")
        return .last4(batch: batch, last4: String(decoding: values.map { CodeAlphabet.symbols[$0] }, as: UTF8.self))
    }

    /// For messages: `card …ABCD of batch 3`, `card 17`. Never the full code.
    public var description: String {
        switch self {
        case .code(let code): "card …\(code.last4)"
        case .last4(let batch, let last4): "card …\(last4) of batch \(batch)"
        case .id(let id): "card \(id)"
        }
    }
}

/// Safe quotations of client input for error messages: an error must never echo more than a few
/// characters of what was sent, and never a control character.
enum InputExcerpt {
    /// Characters of input an error message may quote.
    static let maximumLength = 32

    /// At most ``maximumLength`` characters of `text`, control characters replaced by `?`,
    /// with `…` appended when something was cut off.
    static func of(_ text: some StringProtocol) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maximumLength else {
                result.append("…")
                break
            }
            result.unicodeScalars.append(scalar.properties.generalCategory == .control ? "?" : scalar)
            count += 1
        }
        return result
    }

    /// The same for a run of bytes; invalid UTF-8 is shown as U+FFFD.
    static func of(bytes: some Collection<UInt8>) -> String {
        of(String(decoding: bytes.prefix(maximumLength * 4), as: UTF8.self))
    }
}

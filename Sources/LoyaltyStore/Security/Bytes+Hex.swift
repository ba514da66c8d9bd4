extension Sequence<UInt8> {
    /// The bytes as lower-case hexadecimal, two digits each: how hashes travel in `text[]` arguments to the
    /// SQL functions (which `decode(…, 'hex')` them) and in keyed fingerprints.
    var hexEncoded: String {
        var text = ""
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return text
    }
}

private let hexDigits: [Character] = Array("0123456789abcdef")

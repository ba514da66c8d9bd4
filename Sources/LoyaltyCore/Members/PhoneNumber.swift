/// A phone number normalised to E.164 (`+4915112345678`).
///
/// Input may be international (`+49 151 1234 5678`, `0049 ...`) or national (`0151 12345678`),
/// in which case the default region's calling code replaces the trunk prefix `0`. Spaces, dashes,
/// dots, slashes and parentheses are ignored. This is a normaliser, not a numbering-plan validator:
/// it guarantees a canonical form for uniqueness and lookups, and refuses what cannot be a number
/// (letters, fewer than 7 or more than 15 digits).
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The E.164 form: `+` and 7 to 15 digits.
    public let e164: String

    public init(parsing text: some StringProtocol, defaultRegion: Region, argument: String = "phone") throws(LoyaltyError) {
        var digits: [UInt8] = []
        var international = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
            case UInt8(ascii: "+") where index == 0 || (digits.isEmpty && !international):
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"),
                UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\t"):
                continue
            default:
                throw .badArgument(argument, "not a phone number")
            }
            guard digits.count <= 20 else { throw .badArgument(argument, "phone number is too long") }
        }
        if !international, digits.starts(with: Array("00".utf8)) {
            international = true
            digits.removeFirst(2)
        }
        if !international {
            if defaultRegion.keepsTrunkZero {
                digits = Array(defaultRegion.callingCode.utf8) + digits
            } else if digits.first == UInt8(ascii: "0") {
                digits = Array(defaultRegion.callingCode.utf8) + digits.dropFirst()
            } else if defaultRegion.callingCode == "1", digits.count == 11, digits.first == UInt8(ascii: "1") {
                // NANP numbers are often written with the leading 1 and no plus sign.
            } else {
                digits = Array(defaultRegion.callingCode.utf8) + digits
            }
        }
        guard (7...15).contains(digits.count), digits.first != UInt8(ascii: "0") else {
            throw .badArgument(argument, "not a phone number (7 to 15 digits with country code expected)")
        }
        self.e164 = "+" + String(decoding: digits, as: UTF8.self)
    }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try PhoneNumber(parsing: text, defaultRegion: .unitedStates)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension PhoneNumber {
    /// A country (ISO 3166-1 alpha-2) whose calling code is used for numbers written without one.
    public struct Region: Sendable, Hashable, CustomStringConvertible {
        public let code: String
        public let callingCode: String
        /// Italy and a few others keep the leading 0 of national numbers after the country code.
        public let keepsTrunkZero: Bool

        public init(code: String) throws(LoyaltyError) {
            let upper = code.uppercased()
            guard let calling = Region.callingCodes[upper] else {
                throw LoyaltyError.badArgument("phone region", "unknown or unsupported region '\(code.prefix(8))'")
            }
            self.code = upper
            self.callingCode = calling
            self.keepsTrunkZero = ["IT", "SM", "VA"].contains(upper)
        }

        public var description: String { code }

        private init(code: String, callingCode: String) {
            self.code = code
            self.callingCode = callingCode
            self.keepsTrunkZero = false
        }

        public static let unitedStates = Region(code: "US", callingCode: "1")

        static let callingCodes: [String: String] = [
            "AT": "43", "AU": "61", "BE": "32", "BG": "359", "BR": "55", "CA": "1", "CH": "41", "CN": "86",
            "CY": "357", "CZ": "420", "DE": "49", "DK": "45", "EE": "372", "ES": "34", "FI": "358", "FR": "33",
            "GB": "44", "GR": "30", "HK": "852", "HR": "385", "HU": "36", "IE": "353", "IL": "972", "IN": "91",
            "IS": "354", "IT": "39", "JP": "81", "KR": "82", "LI": "423", "LT": "370", "LU": "352", "LV": "371",
            "MT": "356", "MX": "52", "NL": "31", "NO": "47", "NZ": "64", "PL": "48", "PT": "351", "RO": "40",
            "RS": "381", "SE": "46", "SG": "65", "SI": "386", "SK": "421", "SM": "378", "TR": "90", "UA": "380",
            "US": "1", "VA": "39", "ZA": "27",
        ]
    }
}

import Foundation
import LoyaltyCore

/// A tiers file for `loyalty tier seed`: a JSON array of objects with `code`, `name`, `rank`, `threshold`,
/// `multiplier` (a number or a string such as `"1.5"`, default 1) and `benefits` (default empty).
///
/// Every entry is validated before anything is written. Numbers are read from the JSON text as decimals,
/// never as floating point, so that `1.15` is 115 % and `1.234` is refused rather than rounded.
enum TierSeedFile {
    /// Seed files are short; anything larger is a mistake, not a programme.
    static let maximumSize = 1 << 20

    /// Reads and validates the file at `path`.
    static func read(path: String) throws(LoyaltyError) -> [TierDefinition] {
        let data: Data
        do {
            let url = URL(fileURLWithPath: path)
            let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
            guard size <= maximumSize else {
                throw LoyaltyError(.configuration, "\(path): larger than \(maximumSize) bytes; not a tiers file")
            }
            data = try Data(contentsOf: url)
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.configuration, "cannot read tiers file \(path): \(error.localizedDescription)")
        }
        return try parse(data, source: path)
    }

    /// Validates the tiers in `data` (the contents of `source`): all of them, or an error naming the first bad entry.
    static func parse(_ data: Data, source: String) throws(LoyaltyError) -> [TierDefinition] {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: data)
        } catch let error as DecodingError {
            throw LoyaltyError(.configuration, "\(source): \(Self.describe(error))")
        } catch {
            throw LoyaltyError(.configuration, "\(source): not JSON: \(error.localizedDescription)")
        }
        guard !entries.isEmpty else { throw LoyaltyError(.configuration, "\(source): the file lists no tiers") }
        var tiers: [TierDefinition] = []
        var codes: [String: Int] = [:]
        var ranks: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let number = index + 1
            let label = "entry \(number)" + (entry.code.flatMap { try? TierCode(parsing: $0) }.map { " (\($0))" } ?? "")
            do throws(LoyaltyError) {
                let tier = try entry.definition()
                if let first = codes[tier.code.value] {
                    throw LoyaltyError(.badArgument, "code \(tier.code) repeats entry \(first)")
                }
                if let first = ranks[tier.rank] {
                    throw LoyaltyError(.badArgument, "rank \(tier.rank) repeats entry \(first)")
                }
                codes[tier.code.value] = number
                ranks[tier.rank] = number
                tiers.append(tier)
            } catch {
                throw LoyaltyError(error.code, "\(source): \(label): \(error.message)")
            }
        }
        return tiers
    }

    /// One object of the file, as written; ``definition()`` validates it.
    struct Entry: Decodable {
        let code: String?
        let name: String?
        let rank: Scalar?
        let threshold: Scalar?
        let multiplier: Scalar?
        let benefits: String?

        func definition() throws(LoyaltyError) -> TierDefinition {
            guard let code else { throw LoyaltyError(.badArgument, "missing code") }
            guard let name else { throw LoyaltyError(.badArgument, "missing name") }
            guard let rank else { throw LoyaltyError(.badArgument, "missing rank") }
            guard let threshold else { throw LoyaltyError(.badArgument, "missing threshold") }
            let tierCode = try TierCode(parsing: code)
            var percent = try PointsMultiplier(percent: 100)
            if let multiplier { percent = try PointsMultiplier(parsing: multiplier.text) }
            return try TierDefinition(
                code: tierCode, name: try TierArguments.name(name), rank: try TierArguments.rank(rank.text),
                threshold: try TierArguments.threshold(threshold.text), multiplier: percent,
                benefits: try benefits.map(TierArguments.benefits) ?? "")
        }
    }

    /// A JSON number or string, kept as the text it stands for. A number is decoded as a `Decimal`, which
    /// reads the digits exactly (`1.15` stays 1.15), and written back in plain decimal notation.
    struct Scalar: Decodable {
        let text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else {
                text = try container.decode(Decimal.self).description
            }
        }
    }

    /// Where in the file and what: `entry 3: rank: expected a number or a string`.
    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "the file" }
            let entry = first.intValue.map { "entry \($0 + 1)" } ?? first.stringValue
            let rest = path.dropFirst().map(\.stringValue)
            return ([entry] + rest).joined(separator: ": ")
        }
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "expected a JSON array of tier objects"
        case .typeMismatch(_, let context):
            let expected = switch context.codingPath.last?.stringValue {
            case "code", "name", "benefits": "a string"
            case "rank", "threshold", "multiplier": "a number or a string"
            default: "an object"
            }
            return "\(place(context.codingPath)): expected \(expected)"
        case .valueNotFound(_, let context):
            return "\(place(context.codingPath)): must not be null"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): missing \(key.stringValue)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(place(context.codingPath)): invalid value"
        @unknown default:
            return "not a tiers file"
        }
    }
}

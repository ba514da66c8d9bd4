import ArgumentParser
import LoyaltyCore

/// The conditions of a segment on the command line (docs/purchases.md, "Segments"). Repeated options of
/// one kind match any of their values (tags: all of them).
struct SegmentFilterOptions: ParsableArguments {
    @Option(name: .customLong("tier"), help: "Tier code (repeatable).") var tiers: [String] = []
    @Option(name: .customLong("tag"), help: "Tag the member carries (repeatable: all of them).") var tags: [String] = []
    @Option(name: .customLong("store"), help: "Home store: preferred store, else store of first purchase (repeatable).")
    var stores: [String] = []
    @Option(name: .customLong("source"), help: "Acquisition source channel, e.g. store, web, import (repeatable).")
    var sources: [String] = []
    @Option(name: .customLong("rfm-segment"), help: "champions, loyal, potential-loyalist, new, promising, needs-attention, about-to-sleep, at-risk, cannot-lose, hibernating, lost (repeatable).")
    var rfmSegments: [String] = []
    @Option(help: "Recency score range, e.g. 4-5, 3-, -2 or 5.") var recency: String?
    @Option(help: "Frequency score range.") var frequency: String?
    @Option(help: "Monetary score range.") var monetary: String?
    @Option(name: .customLong("lapse"), help: "active, at-risk, lapsed or never (repeatable).") var lapse: [String] = []
    @Option(name: .customLong("days-since-purchase"), help: "Days since the last purchase, e.g. 90-180 or 365-.")
    var daysSincePurchase: String?
    @Option(help: "Points balance range, e.g. 500-.") var points: String?
    @Option(name: .customLong("birthday-month"), help: "Birthday month 1-12 (repeatable).") var birthdayMonths: [Int] = []
    @Option(name: .customLong("consent"), help: "email or sms: the member consented to it (repeatable: all).")
    var consent: [String] = []

    /// The filter these options describe.
    func filter() throws(LoyaltyError) -> SegmentFilter {
        var filter = SegmentFilter()
        func list(_ values: [String], _ check: (String) throws(LoyaltyError) -> String) throws(LoyaltyError) -> [String]? {
            guard !values.isEmpty else { return nil }
            var checked: [String] = []
            for value in values where !checked.contains(try check(value)) { checked.append(try check(value)) }
            return checked
        }
        filter.tiers = try list(tiers) { value throws(LoyaltyError) in
            let code = value.lowercased()
            guard code.count <= 32, !code.isEmpty, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw .badArgument("tier", "'\(value.prefix(40))' is not a tier code")
            }
            return code
        }
        filter.tags = try list(tags) { value throws(LoyaltyError) in try FieldRules.tag(value) }
        filter.stores = try list(stores) { value throws(LoyaltyError) in try Self.code(value, field: "store") }
        filter.sources = try list(sources) { value throws(LoyaltyError) in try Self.code(value, field: "source") }
        filter.rfmSegments = try list(rfmSegments) { value throws(LoyaltyError) in
            guard let segment = RFMSegment(rawValue: value.lowercased()) else {
                throw .badArgument("rfm-segment", "'\(value.prefix(40))': one of \(RFMSegment.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return segment.rawValue
        }?.compactMap(RFMSegment.init(rawValue:))
        filter.recency = try recency.map { text throws(LoyaltyError) in try ScoreRange(parsing: text, field: "recency", bounds: 1...5) }
        filter.frequency = try frequency.map { text throws(LoyaltyError) in try ScoreRange(parsing: text, field: "frequency", bounds: 1...5) }
        filter.monetary = try monetary.map { text throws(LoyaltyError) in try ScoreRange(parsing: text, field: "monetary", bounds: 1...5) }
        filter.lapse = try list(lapse) { value throws(LoyaltyError) in
            guard let state = LapseState(rawValue: value.lowercased()) else {
                throw .badArgument("lapse", "'\(value.prefix(40))': one of active, at-risk, lapsed, never")
            }
            return state.rawValue
        }?.compactMap(LapseState.init(rawValue:))
        filter.daysSincePurchase = try daysSincePurchase.map { text throws(LoyaltyError) in
            try ScoreRange(parsing: text, field: "days-since-purchase", bounds: 0...100_000)
        }
        filter.points = try points.map { text throws(LoyaltyError) in
            try ScoreRange(parsing: text, field: "points", bounds: 0...999_999_999_999)
        }
        if !birthdayMonths.isEmpty {
            guard birthdayMonths.allSatisfy({ (1...12).contains($0) }) else { throw .badArgument("birthday-month", "must be 1...12") }
            filter.birthdayMonths = Array(Set(birthdayMonths)).sorted()
        }
        filter.consent = try list(consent) { value throws(LoyaltyError) in
            guard let channel = ContactChannel(rawValue: value.lowercased()) else {
                throw .badArgument("consent", "'\(value.prefix(40))': email or sms")
            }
            return channel.rawValue
        }?.compactMap(ContactChannel.init(rawValue:))
        return filter
    }

    /// A store code or source channel: 1 to 64 characters without spaces or control characters.
    static func code(_ value: String, field: String) throws(LoyaltyError) -> String {
        guard !value.isEmpty, value.count <= 64, value.allSatisfy({ !$0.isWhitespace && !$0.isNewline && $0.isASCII && !($0.asciiValue.map { $0 < 32 } ?? true) })
        else {
            throw .badArgument(field, "'\(value.prefix(40))': 1 to 64 characters without spaces")
        }
        return value
    }
}

import Configuration
import LoyaltyCore
import Testing

@testable import LoyaltyCLI

@Suite("Tracker settings")
struct TrackerSettingsTests {
    static func rules(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> TrackerRules {
        try Settings.trackerRules(ConfigReader(provider: InMemoryProvider(name: "test", values: values)))
    }

    static func text(_ value: String) -> ConfigValue { ConfigValue(.string(value), isSecret: false) }

    @Test("defaults: euro, lapsed after 180 days, at risk after half of it")
    func defaults() throws {
        let rules = try Self.rules([:])
        #expect(rules == TrackerRules.standard)
        #expect(rules.lapse.kind == .days && rules.lapse.days == 180 && rules.lapse.atRiskPercent == 50)
    }

    @Test(
        "the gap multiple is read exactly as written, from text or a JSON number",
        arguments: [
            (text("3"), 300), (text("2.5"), 250), (text("1.25"), 125), (ConfigValue(.int(4), isSecret: false), 400),
            (ConfigValue(.double(2.5), isSecret: false), 250),
        ] as [(ConfigValue, Int)])
    func multiple(value: ConfigValue, percent: Int) throws {
        let rules = try Self.rules(["tracker.lapsed-rule": Self.text("gap"), "tracker.lapsed-multiple": value])
        #expect(rules.lapse.kind == .gap)
        #expect(rules.lapse.multiplePercent == percent)
    }

    @Test(
        "bad settings stop the start with a CONFIGURATION error",
        arguments: [
            ["tracker.lapsed-rule": text("weeks")], ["tracker.lapsed-multiple": text("2.555")],
            ["tracker.lapsed-multiple": text("x")], ["tracker.lapsed-multiple": text("0.5")], ["tracker.currency": text("EURO")],
            ["tracker.lapsed-days": text("soon")], ["tracker.at-risk-percent": text("100")],
        ] as [[AbsoluteConfigKey: ConfigValue]])
    func refused(values: [AbsoluteConfigKey: ConfigValue]) {
        #expect {
            _ = try Self.rules(values)
        } throws: { error in
            (error as? LoyaltyError)?.code == .configuration
        }
    }

    @Test("the currency and the day-based thresholds are read")
    func currencyAndDays() throws {
        let rules = try Self.rules([
            "tracker.currency": Self.text("GBP"), "tracker.lapsed-days": ConfigValue(.int(365), isSecret: false),
            "tracker.at-risk-percent": ConfigValue(.int(75), isSecret: false),
        ])
        #expect(rules.currency.code == "GBP")
        #expect(rules.lapse.days == 365)
        #expect(rules.lapse.atRiskPercent == 75)
    }
}

import LoyaltyBench
import LoyaltyCore
import Testing

/// Validation of the bench's settings, and the mix's shares: pure, no database.
@Suite("Bench configuration")
struct BenchConfigurationTests {
    @Test("the defaults are valid", arguments: [BenchMix.earn, .balance, .giftRedeem, .mixed])
    func defaults(mix: BenchMix) throws {
        try BenchConfiguration(mix: mix).validate()
        #expect(BenchConfiguration().giftCards == 10_000 && BenchConfiguration(members: 100).giftCards == 100)
    }

    @Test(
        "every out-of-range value is a BAD_ARGUMENT naming its option",
        arguments: [
            (BenchConfiguration(terminals: 0), "--terminals"), (BenchConfiguration(terminals: 10_001), "--terminals"),
            (BenchConfiguration(depth: 0), "--depth"), (BenchConfiguration(depth: 1025), "--depth"),
            (BenchConfiguration(members: 0), "--members"), (BenchConfiguration(duration: .zero), "--duration"),
            (BenchConfiguration(warmup: .seconds(-1)), "--warmup"), (BenchConfiguration(port: 0), "--port"),
            (BenchConfiguration(port: 65_536), "--port"), (BenchConfiguration(host: ""), "--host"),
            (BenchConfiguration(host: "a b"), "--host"), (BenchConfiguration(serverPID: 0), "--server-pid"),
            (BenchConfiguration(idleConnections: 0), "--idle"), (BenchConfiguration(idleWithoutAuth: true), "--idle-no-auth"),
        ])
    func refusals(configuration: BenchConfiguration, option: String) {
        do {
            try configuration.validate()
            Issue.record("\(option) accepted")
        } catch {
            #expect(error.code == .badArgument && error.message.hasPrefix(option), "\(error)")
        }
    }

    @Test("mix names are what the CLI takes")
    func mixNames() {
        #expect(BenchMix.allCases.map(\.rawValue) == ["earn", "balance", "gift-redeem", "mixed"])
    }
}

import LoyaltyCore

extension InstallationKey {
    /// The secret of the load generator's terminal `name` (`bench-1` …): derived from the key, so that
    /// every run of `loyalty bench` against the same installation knows it without storing it, and
    /// nobody without the key can compute it.
    public func benchTerminalSecret(_ name: String) -> String {
        "bench_" + authenticationCode("bench-terminal|\(name)").hexEncoded
    }

    /// The code of the load generator's gift card number `index`: a gift card code like any other
    /// (alphabet, check character), drawn from a generator seeded with a keyed hash of the index, so
    /// that the bench can send the codes of the cards it seeded in an earlier run.
    public func benchGiftCardCode(_ index: Int) -> GiftCardCode {
        var generator = SeededGenerator(seed: authenticationCode("bench-giftcard|\(index)"))
        return GiftCardCode.random(using: &generator)
    }
}

/// SplitMix64 seeded with the first eight bytes of a keyed hash: deterministic, and good enough to
/// spread codes over the alphabet (the bench's cards are test data, not a secret of customers).
private struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: [UInt8]) {
        state = seed.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import LoyaltyCore

/// What `loyalty bench` asks to exist before a run: its members, terminals and gift cards.
public struct BenchSeedRequest: Sendable, Equatable {
    /// Members `bench-1` … `bench-<members>` (by external id); 0 for none (idle runs).
    public var members: Int
    /// Terminals `bench-1` … `bench-<terminals>`, with secrets derived from the installation key.
    public var terminals: Int
    /// Gift cards number 1 … `giftCards`, with codes derived from the installation key.
    public var giftCards: Int
    /// The points a new bench member starts with (an `adjust` entry), so that redemptions can succeed.
    public var startingPoints: Int64
    /// The value a new bench gift card is issued with, in cents of EUR.
    public var giftCardValue: Int64

    public init(members: Int, terminals: Int, giftCards: Int, startingPoints: Int64 = 10_000, giftCardValue: Int64 = 10_000_000_000) {
        self.members = members
        self.terminals = terminals
        self.giftCards = giftCards
        self.startingPoints = startingPoints
        self.giftCardValue = giftCardValue
    }
}

/// What the seeding left, and what the bench sends: card numbers, credentials and gift card codes.
public struct BenchSeed: Sendable {
    /// The terminal names and their secrets, `bench-1` first.
    public struct Terminal: Sendable, Equatable {
        public let name: String
        public let secret: String

        public init(name: String, secret: String) {
            self.name = name
            self.secret = secret
        }
    }

    /// Card numbers of the active bench members, in the order of their external ids.
    public let memberNumbers: [String]
    public let terminals: [Terminal]
    /// The bench's gift card codes, number 1 first.
    public let giftCards: [GiftCardCode]
    /// What this seeding added or changed (0 when everything existed already).
    public let membersAdded: Int
    public let terminalsChanged: Int
    public let giftCardsAdded: Int

    public init(
        memberNumbers: [String], terminals: [Terminal], giftCards: [GiftCardCode], membersAdded: Int, terminalsChanged: Int,
        giftCardsAdded: Int
    ) {
        self.memberNumbers = memberNumbers
        self.terminals = terminals
        self.giftCards = giftCards
        self.membersAdded = membersAdded
        self.terminalsChanged = terminalsChanged
        self.giftCardsAdded = giftCardsAdded
    }
}

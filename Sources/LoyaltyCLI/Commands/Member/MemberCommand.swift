import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member add|show|find|update|suspend|activate|close|import|export|consent|export-data|erase|birthdays|duplicates|merge`.
struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Club members (CRM contact records).",
        subcommands: [
            MemberAddCommand.self, MemberShowCommand.self, MemberFindCommand.self, MemberUpdateCommand.self,
            MemberStatusCommand.Suspend.self, MemberStatusCommand.Activate.self, MemberStatusCommand.Close.self,
            MemberImportCommand.self, MemberExportCommand.self, MemberConsentCommand.self, MemberExportDataCommand.self,
            MemberEraseCommand.self, MemberBirthdaysCommand.self, MemberDuplicatesCommand.self, MemberMergeCommand.self,
        ])
}

extension CommandRuntime {
    /// A member named on the command line by card number, phone or email.
    func memberReference(_ text: String) throws -> MemberReference {
        try MemberReference(parsing: text, defaultRegion: settings.defaultRegion)
    }

    /// Prints a member's record; with the member's `card`, also their tier and the way to the next one
    /// (when the programme has tiers).
    /// With `giftCards`, also the gift cards linked to the member (last four characters, state, balance).
    func printMember(_ member: MemberRecord, card: MemberCard? = nil, giftCards: [GiftCardRecord]? = nil) throws {
        try output.record(
            memberFields(member, card: card, giftCards: giftCards), json: MemberJSON(record: member, card: card, giftCards: giftCards))
    }

    /// The fields of a member's record as ``printMember(_:card:giftCards:)`` shows them.
    func memberFields(_ member: MemberRecord, card: MemberCard? = nil, giftCards: [GiftCardRecord]? = nil) -> [(String, String)] {
        func consent(_ granted: Bool, _ at: Date?) -> String {
            (granted ? "yes" : "no") + (at.map { " (since \(Dates.text($0)))" } ?? "")
        }
        let address = [member.addressLine1, member.addressLine2, [member.postalCode, member.city].compactMap { $0 }.joined(separator: " "), member.country]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        var tierFields: [(String, String)] = []
        if let tier = card?.tier {
            tierFields.append(("tier", tier))
            tierFields.append(("next tier", Self.nextTierText(card?.nextTier, toNext: card?.toNext)))
        }
        var giftCardFields: [(String, String)] = []
        if let giftCards {
            let cards = giftCards.map { "…\($0.last4) \($0.state) \(GiftCardArguments.money($0.balance, $0.currency)) \($0.currency)" }
            giftCardFields.append(("gift cards", cards.isEmpty ? "none" : cards.joined(separator: "; ")))
        }
        return [
            ("member", member.number), ("name", "\(member.firstName) \(member.lastName)"), ("status", member.erasedAt.map { "closed (erased \(Dates.text($0)))" } ?? member.status.rawValue),
            ("points", String(member.points)),
        ] + tierFields + [
            ("email", member.email ?? ""), ("phone", member.phone ?? ""),
            ("birth date", member.birthDate ?? ""), ("address", address), ("preferred store", member.preferredStore ?? ""),
            ("source", [member.sourceChannel, member.sourceCampaign].compactMap { $0 }.joined(separator: " / ")),
            ("acquisition source", member.acquisitionSource ?? ""),
            ("external id", member.externalID ?? ""), ("email consent", consent(member.emailConsent, member.emailConsentAt)),
            ("sms consent", consent(member.smsConsent, member.smsConsentAt)), ("tags", member.tags.joined(separator: ", ")),
            ("created", Dates.text(member.createdAt)), ("updated", Dates.text(member.updatedAt)),
        ] + giftCardFields
    }

    /// The way to the next tier for people: `gold, 120 points to go`, or `none (top tier)`.
    static func nextTierText(_ next: String?, toNext: Int64?) -> String {
        guard let next else { return "none (top tier)" }
        let points = toNext ?? 0
        return points == 0 ? "\(next), threshold reached" : "\(next), \(points) point\(points == 1 ? "" : "s") to go"
    }
}

/// A member's record in JSON, with `tier`, `next_tier` and `to_next` when the programme has tiers, and
/// `gift_cards` in `member show`.
struct MemberJSON: Encodable {
    let record: MemberRecord
    let card: MemberCard?
    var giftCards: [GiftCardRecord]? = nil

    enum CodingKeys: String, CodingKey {
        case tier, nextTier = "next_tier", toNext = "to_next", giftCards = "gift_cards"
    }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(card?.tier, forKey: .tier)
        try container.encodeIfPresent(card?.nextTier, forKey: .nextTier)
        try container.encodeIfPresent(card?.toNext, forKey: .toNext)
        try container.encodeIfPresent(giftCards, forKey: .giftCards)
    }
}

import Foundation

struct MemberShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a member by number, phone or email.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let (record, card, giftCards, overview) = try await runtime.withStore { store in
            (
                try await store.member(reference), try await store.memberCard(reference, terminal: nil),
                try await store.giftCards(of: reference), try await store.memberOverview(reference)
            )
        }
        try runtime.printMemberOverview(record, card: card, giftCards: giftCards, overview: overview)
    }
}

struct MemberFindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find", abstract: "Find members whose last or first name starts with a prefix.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Name prefix (case-insensitive).") var prefix: String
    @Option(help: "At most this many members (1-1000).") var limit = 50

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let prefix = try FieldRules.text(self.prefix, field: "prefix")
        guard !prefix.isEmpty else { throw LoyaltyError.badArgument("prefix", "must not be empty") }
        guard (1...1000).contains(limit) else { throw LoyaltyError.badArgument("limit", "1...1000") }
        let members = try await runtime.withStore { store in try await store.findMembers(namePrefix: prefix, limit: limit) }
        try runtime.output.list(
            columns: ["member", "first name", "last name", "email", "phone", "status", "points"],
            rows: members.map {
                [$0.number, $0.firstName, $0.lastName, $0.email ?? "", $0.phone ?? "", $0.status.rawValue, String($0.points)]
            },
            json: members)
    }
}

/// `member suspend|activate|close`.
enum MemberStatusCommand {
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a member: no earning or redeeming until activated.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option(help: "Why (audited).") var reason: String?
        func run() async throws { try await MemberStatusCommand.change(options, member, .suspended, reason) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a suspension.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option(help: "Why (audited).") var reason: String?
        func run() async throws { try await MemberStatusCommand.change(options, member, .active, reason) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a member (final). The ledger is kept; email and phone become free for new records.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option(help: "Why (audited).") var reason: String?
        func run() async throws { try await MemberStatusCommand.change(options, member, .closed, reason) }
    }

    static func change(_ options: GlobalOptions, _ member: String, _ status: MemberStatus, _ reason: String?) async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let reason = try reason.map { try FieldRules.text($0, field: "reason", maximumLength: 500) }
        let record = try await runtime.withStore { store in
            try await store.setMemberStatus(reference, to: status, reason: reason, actor: runtime.actor)
        }
        try runtime.printMember(record)
    }
}

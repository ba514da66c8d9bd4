import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty member consent MEMBER`: the consent history per channel and the current state.
struct MemberConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "A member's marketing consent per channel: now, and every change with its source.",
        discussion: """
            Every change is listed, oldest first per channel: granted or withdrawn, when, where it came from \
            (till, admin, import, merge, erasure, migration) and who (the terminal or the administrator). \
            See docs/privacy.md.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let history = try await runtime.withStore { store in try await store.consentHistory(reference) }
        for channel in ContactChannel.allCases {
            runtime.output.message("\(channel.rawValue): \(Self.stateText(history.consent(channel)))")
        }
        let rows = ContactChannel.allCases.flatMap { channel in
            history.events(of: channel).map { event in
                [channel.rawValue, event.granted ? "granted" : "withdrawn", Dates.text(event.at), event.source.rawValue,
                 event.actor ?? ""]
            }
        }
        try runtime.output.list(
            columns: ["channel", "change", "at", "source", "actor"], rows: rows, json: ConsentHistoryJSON(history))
    }

    /// `granted since 2026-11-23T10:00:00Z`, `not granted`.
    static func stateText(_ consent: Consent) -> String {
        (consent.granted ? "granted" : "not granted") + (consent.changedAt.map { " since \(Dates.text($0))" } ?? "")
    }
}

extension ConsentHistory {
    /// The current consent for `channel`.
    func consent(_ channel: ContactChannel) -> Consent {
        switch channel {
        case .email: email
        case .sms: sms
        }
    }
}

/// `member consent --format json`: per channel the current state and its history.
struct ConsentHistoryJSON: Encodable {
    let history: ConsentHistory

    init(_ history: ConsentHistory) { self.history = history }

    struct Channel: Encodable {
        let granted: Bool
        let since: Date?
        let history: [Change]
    }

    struct Change: Encodable {
        let granted: Bool
        let at: Date
        let source: String
        let actor: String?
    }

    enum CodingKeys: String, CodingKey { case member, email, sms }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(history.member, forKey: .member)
        for channel in ContactChannel.allCases {
            let consent = history.consent(channel)
            let changes = history.events(of: channel).map {
                Change(granted: $0.granted, at: $0.at, source: $0.source.rawValue, actor: $0.actor)
            }
            try container.encode(
                Channel(granted: consent.granted, since: consent.changedAt, history: changes),
                forKey: channel == .email ? .email : .sms)
        }
    }
}

import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty webhook add URL --events TYPES`: a new subscription, from now on; prints its secret once.
struct WebhookAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Subscribe a URL to events; prints the signing secret once.",
        discussion: """
            --events takes event types or prefixes ending in a dot (points.,tier.changed), comma-separated or \
            repeated; `all` subscribes to every event. The subscription receives the events committed from now on. \
            The secret signs every delivery (Loyalty-Signature, docs/events.md); it is derived from the \
            installation key and not stored, so keep it where the receiver reads it. Audited (webhook.add).
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The http:// or https:// URL to POST events to.") var url: String
    @Option(help: "Event types or prefixes, or all; repeatable.") var events: [String] = []
    @Option(help: "A note for the administrators (at most 500 characters).") var note: String?

    func run() async throws {
        let (url, types) = try validated()
        let runtime = try await CommandRuntime.make(options)
        let (record, secret) = try await runtime.withStore(installationKey: true) { store in
            try await store.addWebhook(url: url, types: types, note: note, actor: runtime.actor)
        }
        try runtime.output.record(
            [("webhook", String(record.id)), ("url", record.url), ("events", record.types.joined(separator: ",")), ("secret", secret)],
            json: WebhookAddedJSON(webhook: record.id, url: record.url, events: record.types, secret: secret))
        runtime.output.message("Keep the secret now: it is not shown again.")
    }

    func validated() throws(LoyaltyError) -> (String, [String]) {
        guard url.count <= 2000, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty,
            !url.contains(where: { $0.isWhitespace })
        else {
            throw .badArgument("url", "an http:// or https:// URL with a host, got '\(url.prefix(80))'")
        }
        guard parsed.user == nil, parsed.password == nil else {
            throw .badArgument("url", "no user or password in the URL: the receiver checks the signature instead")
        }
        if let note, note.count > 500 { throw .badArgument("note", "at most 500 characters") }
        guard !events.isEmpty else { throw .badArgument("events", "name the events: types, prefixes like points., or all") }
        var types: [String] = []
        for text in events {
            if text == "all" {
                types = Array(Set(EventType.all.map { String($0.prefix { $0 != "." }) + "." })).sorted()
                break
            }
            for name in try EventType.filter(parsing: text) where !types.contains(name) { types.append(name) }
        }
        return (url, types)
    }
}

struct WebhookAddedJSON: Encodable {
    let webhook: Int64
    let url: String
    let events: [String]
    let secret: String
}

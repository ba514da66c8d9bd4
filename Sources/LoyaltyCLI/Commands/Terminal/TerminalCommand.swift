import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty terminal add|list|rotate|revoke`.
struct TerminalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminal", abstract: "Point-of-sale terminals allowed to connect.",
        subcommands: [Add.self, List.self, TerminalRotateCommand.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a terminal and print its secret (shown once, stored hashed).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Terminal name: letters, digits, - _ . : / #") var name: String
        @Option(help: "Store code the terminal belongs to.") var store: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let name = try Identifier.parse(self.name, argument: "terminal")
            let store = try self.store.map { try Identifier.parse($0, argument: "store") }
            let (terminal, secret) = try await runtime.withStore { db in
                try await db.addTerminal(name: name, storeCode: store, actor: runtime.actor)
            }
            try runtime.output.record(
                [("terminal", terminal.name), ("store", terminal.storeCode ?? ""), ("secret", secret)],
                json: TerminalSecretJSON(terminal: terminal.name, secret: secret, store: terminal.storeCode, id: terminal.id))
            runtime.output.message("The secret is shown only now. Configure it on the terminal: AUTH terminal=\(terminal.name) secret=…")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List terminals.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let terminals = try await runtime.withStore { db in try await db.listTerminals() }
            try runtime.output.list(
                columns: ["name", "store", "status", "created", "revoked"],
                rows: terminals.map {
                    [$0.name, $0.storeCode ?? "", $0.status, Dates.text($0.createdAt), $0.revokedAt.map(Dates.text) ?? ""]
                },
                json: terminals)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a terminal; it is refused at once, also on open connections.")
        @OptionGroup var options: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let terminal = try await runtime.withStore { db in try await db.revokeTerminal(name: name, actor: runtime.actor) }
            try runtime.output.record([("terminal", terminal.name), ("status", terminal.status)], json: terminal)
        }
    }
}

struct TerminalSecretJSON: Encodable {
    let terminal: String
    let secret: String
    let store: String?
    let id: Int64
}

enum Dates {
    static func text(_ date: Date) -> String { date.formatted(.iso8601) }
}

import ArgumentParser

/// `loyalty audit list`: reading the audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log of administrative changes.", subcommands: [AuditListCommand.self])
}

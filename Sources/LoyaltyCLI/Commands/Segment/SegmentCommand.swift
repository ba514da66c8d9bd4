import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment create|list|show|count|export|delete`: saved, named filters over members.
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment", abstract: "Saved member segments: create, list, show, count, export, delete.",
        subcommands: [
            SegmentCreateCommand.self, SegmentListCommand.self, SegmentShowCommand.self, SegmentCountCommand.self,
            SegmentExportCommand.self, SegmentDeleteCommand.self,
        ])
}

extension CommandRuntime {
    /// A segment's count as fields: members, closed, and how many email and SMS reach.
    static func countFields(_ count: SegmentCount) -> [(String, String)] {
        [
            ("members", String(count.members)), ("closed", String(count.closed)),
            ("reachable by email", String(count.emailReachable)), ("reachable by sms", String(count.smsReachable)),
        ]
    }
}

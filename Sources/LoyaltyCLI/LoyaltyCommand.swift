import ArgumentParser

/// `loyalty`: the terminal server and the administration CLI in one executable.
public struct LoyaltyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loyalty",
        abstract: "Loyalty programme and customer club: the terminal server and its administration.",
        discussion: """
            With no database configured, every command uses a private PostgreSQL cluster under ./.loyalty \
            (LOYALTY_HOME), started on demand and shared with a running `loyalty serve`.
            """,
        subcommands: [
            ServeCommand.self, HealthCommand.self, DatabaseCommand.self, MemberCommand.self, PointsCommand.self, TerminalCommand.self,
            TierCommand.self, PromoCommand.self, JobsCommand.self, RewardCommand.self, VoucherCommand.self,
            GiftCardCommand.self, PurchaseCommand.self, SegmentCommand.self, ReportCommand.self,
            InteractionCommand.self, FollowUpCommand.self,
            SourceCommand.self, CampaignCommand.self, BenchCommand.self, AuditCommand.self, EventsCommand.self, WebhookCommand.self,
        ]
    )

    public init() {}
}

import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension PointsCommand {
    /// `points expiring --within 30d`: the marketer's reminder list, with contact details and consent.
    struct Expiring: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List members with points that expire soon (use --format csv for a mailing tool).",
            discussion: """
                Under a lifetime policy: points whose date falls within the period. Under an inactivity policy: the \
                balance of members whose last earn or redemption was long enough ago that it expires within the period. \
                Contact only members who consented: the email_consent and sms_consent columns say who did.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The period ahead: days (30d or 30) or weeks (4w).") var within: String = "30d"

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let days = try DayCount.parse(within, argument: "within")
            let list = try await runtime.withStore { store in try await store.pointsExpiring(withinDays: days) }
            try runtime.output.list(
                columns: ["member", "first_name", "last_name", "email", "phone", "email_consent", "sms_consent", "points",
                          "first_expiry", "balance"],
                rows: list.map {
                    [$0.member, $0.firstName, $0.lastName, $0.email ?? "", $0.phone ?? "", $0.emailConsent ? "yes" : "no",
                     $0.smsConsent ? "yes" : "no", String($0.points), Dates.text($0.firstExpiry), String($0.balance)]
                },
                json: list)
        }
    }
}

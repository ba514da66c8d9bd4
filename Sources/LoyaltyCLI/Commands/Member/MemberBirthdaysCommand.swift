import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member birthdays [--within Nd] [--anniversaries]`.
struct MemberBirthdaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "birthdays", abstract: "Members whose birthday (or enrolment anniversary) is today or within the next days.",
        discussion: """
            Days are in the programme's time zone; soonest first, with the age they turn (or the years since \
            they joined) and their email and SMS consent. A 29 February birthday falls on 28 February in \
            common years. Closed members are left out.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Days ahead: 7d (or 7, or 1w), 1 to 366 days (default 7d).") var within = "7d"
    @Flag(help: "Enrolment anniversaries (years since joining, 1 or more) instead of birthdays.") var anniversaries = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let days = try DayCount.parse(within, argument: "within", maximum: 366)
        let list = try await runtime.withStore { store in
            try await store.upcomingAnniversaries(withinDays: days, anniversaries: anniversaries)
        }
        try runtime.output.list(
            columns: ["date", "in days", "member", "first name", "last name", anniversaries ? "years" : "turns", "email", "email consent",
                      "phone", "sms consent"],
            rows: list.map {
                [$0.on, String($0.inDays), $0.member, $0.firstName, $0.lastName, String($0.years), $0.email ?? "",
                 $0.emailConsent ? "yes" : "no", $0.phone ?? "", $0.smsConsent ? "yes" : "no"]
            },
            json: list)
    }
}

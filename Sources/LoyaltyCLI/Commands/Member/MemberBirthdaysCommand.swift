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
    @Option(help: "Days ahead, Nd with N from 1 to 366 (default 7d).") var within = "7d"
    @Flag(help: "Enrolment anniversaries (years since joining, 1 or more) instead of birthdays.") var anniversaries = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let days = try Self.days(within)
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

    /// `Nd` (or a bare N) with N from 1 to 366.
    static func days(_ text: String) throws(LoyaltyError) -> Int {
        let digits = text.hasSuffix("d") ? text.dropLast() : Substring(text)
        guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let days = Int(digits), (1...366).contains(days)
        else {
            throw .badArgument("within", "a number of days such as 7d, from 1d to 366d, expected, got '\(text.prefix(20))'")
        }
        return days
    }
}

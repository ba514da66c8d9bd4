import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// Contact fields shared by `member add` and `member update`.
struct MemberFieldOptions: ParsableArguments {
    @Option(name: .customLong("first-name")) var firstName: String?
    @Option(name: .customLong("last-name")) var lastName: String?
    @Option var email: String?
    @Option var phone: String?
    @Option(name: .customLong("birth-date"), help: "YYYY-MM-DD") var birthDate: String?
    @Option(name: .customLong("address-line1")) var addressLine1: String?
    @Option(name: .customLong("address-line2")) var addressLine2: String?
    @Option(name: .customLong("postal-code")) var postalCode: String?
    @Option var city: String?
    @Option(help: "ISO 3166-1 alpha-2 country code.") var country: String?
    @Option(help: "Preferred store code.") var store: String?
    @Option(name: .customLong("external-id"), help: "The customer id in the retailer's other systems.") var externalID: String?
    @Option(name: .customLong("email-consent"), help: "yes or no: marketing by email.") var emailConsent: YesNo?
    @Option(name: .customLong("sms-consent"), help: "yes or no: marketing by SMS.") var smsConsent: YesNo?
}

enum YesNo: String, ExpressibleByArgument, Sendable {
    case yes, no
    var bool: Bool { self == .yes }
}

struct MemberAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a member.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var fields: MemberFieldOptions
    @Option(name: .customLong("source-channel"), help: "Acquisition channel (store, web, app, event, ...).") var sourceChannel: String?
    @Option(name: .customLong("source-campaign")) var sourceCampaign: String?
    @Option(name: .customLong("tag"), help: "A tag; repeat for several.") var tags: [String] = []
    @Option(help: "Acquisition source code (`loyalty source list`).") var source: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let region = runtime.settings.defaultRegion
        guard let first = fields.firstName else { throw LoyaltyError.missingArgument("--first-name") }
        guard let last = fields.lastName else { throw LoyaltyError.missingArgument("--last-name") }
        let member = NewMember(
            firstName: try FieldRules.requiredText(first, field: "first-name"),
            lastName: try FieldRules.requiredText(last, field: "last-name"),
            email: try fields.email.map { try EmailAddress(parsing: $0) },
            phone: try fields.phone.map { try PhoneNumber(parsing: $0, defaultRegion: region) },
            birthDate: try fields.birthDate.map { try CalendarDate(parsing: $0, argument: "birth-date") },
            emailConsent: fields.emailConsent?.bool ?? false, smsConsent: fields.smsConsent?.bool ?? false,
            address: PostalAddress(
                line1: try fields.addressLine1.map { try FieldRules.text($0, field: "address-line1", maximumLength: 200) },
                line2: try fields.addressLine2.map { try FieldRules.text($0, field: "address-line2", maximumLength: 200) },
                postalCode: try fields.postalCode.map { try FieldRules.text($0, field: "postal-code", maximumLength: 20) },
                city: try fields.city.map { try FieldRules.text($0, field: "city") },
                country: try fields.country.map { try FieldRules.country($0) }),
            preferredStore: try fields.store.map { try Identifier.parse($0, argument: "store") },
            sourceChannel: try sourceChannel.map { try FieldRules.text($0, field: "source-channel", maximumLength: 64) },
            sourceCampaign: try sourceCampaign.map { try FieldRules.text($0, field: "source-campaign") },
            externalID: try fields.externalID.map { try Identifier.parse($0, argument: "external-id", maximumLength: 100) },
            tags: try tags.map { try FieldRules.tag($0) },
            source: try source.map { try RecordCode(parsing: $0, argument: "source") })
        let record = try await runtime.withStore { store in
            let created = try await store.enroll(member, origin: .admin(actor: runtime.actor))
            return try await store.member(.number(try MemberNumber(parsing: created.member)))
        }
        try runtime.printMember(record)
    }
}

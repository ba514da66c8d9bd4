import ArgumentParser
import LoyaltyCore
import LoyaltyStore

struct MemberUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a member's record. Give an empty value (--email '') to clear a field.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String
    @OptionGroup var fields: MemberFieldOptions
    @Option(name: .customLong("add-tag")) var addTags: [String] = []
    @Option(name: .customLong("remove-tag")) var removeTags: [String] = []
    @Option(help: "Acquisition source code (`loyalty source list`).") var source: String?
    @Flag(name: .customLong("no-source"), help: "Remove the member's acquisition source.") var noSource = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let region = runtime.settings.defaultRegion
        let reference = try runtime.memberReference(member)
        var update = MemberUpdate()
        update.firstName = try fields.firstName.map { try FieldRules.requiredText($0, field: "first-name") }
        update.lastName = try fields.lastName.map { try FieldRules.requiredText($0, field: "last-name") }
        update.email = try change(fields.email) { try EmailAddress(parsing: $0) }
        update.phone = try change(fields.phone) { try PhoneNumber(parsing: $0, defaultRegion: region) }
        update.birthDate = try change(fields.birthDate) { try CalendarDate(parsing: $0, argument: "birth-date") }
        update.addressLine1 = try change(fields.addressLine1) { try FieldRules.text($0, field: "address-line1", maximumLength: 200) }
        update.addressLine2 = try change(fields.addressLine2) { try FieldRules.text($0, field: "address-line2", maximumLength: 200) }
        update.postalCode = try change(fields.postalCode) { try FieldRules.text($0, field: "postal-code", maximumLength: 20) }
        update.city = try change(fields.city) { try FieldRules.text($0, field: "city") }
        update.country = try change(fields.country) { try FieldRules.country($0) }
        update.preferredStore = try change(fields.store) { try Identifier.parse($0, argument: "store") }
        update.externalID = try change(fields.externalID) { try Identifier.parse($0, argument: "external-id", maximumLength: 100) }
        update.emailConsent = fields.emailConsent?.bool
        update.smsConsent = fields.smsConsent?.bool
        update.addTags = try addTags.map { try FieldRules.tag($0) }
        update.removeTags = try removeTags.map { try FieldRules.tag($0) }
        if noSource, source != nil { throw LoyaltyError.badArgument("source", "give --source or --no-source, not both") }
        if let source { update.source = .set(try RecordCode(parsing: source, argument: "source")) }
        if noSource { update.source = .clear }
        let record = try await runtime.withStore { [update] store in
            try await store.updateMember(reference, update, actor: runtime.actor)
        }
        try runtime.printMember(record)
    }

    /// An option's change: absent keeps the field, empty clears it, anything else is validated and set.
    private func change<Value>(_ text: String?, _ parse: (String) throws -> Value) throws -> MemberUpdate.Change<Value> {
        guard let text else { return .keep }
        if text.isEmpty { return .clear }
        return .set(try parse(text))
    }
}

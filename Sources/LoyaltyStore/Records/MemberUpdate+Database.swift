import Foundation
import LoyaltyCore

extension MemberUpdate {
    /// The changes as `loyalty_update_member` takes them (`p_changes jsonb`): a key for every column that
    /// changes, with its new value, or JSON null to clear it. Fields kept are left out.
    var databaseChanges: String {
        let changes = DatabaseChanges(update: self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Strings and booleans: encoding cannot fail.
        return (try? encoder.encode(changes)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Encodes only the changed fields of a ``MemberUpdate``; a cleared field as null.
private struct DatabaseChanges: Encodable {
    let update: MemberUpdate

    struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        func put<Value>(_ change: MemberUpdate.Change<Value>, _ column: String, _ text: (Value) -> String) throws {
            switch change {
            case .keep: return
            case .set(let value): try container.encode(text(value), forKey: Key(column))
            case .clear: try container.encodeNil(forKey: Key(column))
            }
        }
        try container.encodeIfPresent(update.firstName, forKey: Key("first_name"))
        try container.encodeIfPresent(update.lastName, forKey: Key("last_name"))
        try put(update.email, "email") { $0.value }
        try put(update.phone, "phone") { $0.e164 }
        try put(update.birthDate, "birth_date") { $0.description }
        try put(update.addressLine1, "address_line1") { $0 }
        try put(update.addressLine2, "address_line2") { $0 }
        try put(update.postalCode, "postal_code") { $0 }
        try put(update.city, "city") { $0 }
        try put(update.country, "country") { $0 }
        try put(update.preferredStore, "preferred_store") { $0 }
        try put(update.externalID, "external_id") { $0 }
        try put(update.source, "source") { $0.value }
        try container.encodeIfPresent(update.emailConsent, forKey: Key("email_consent"))
        try container.encodeIfPresent(update.smsConsent, forKey: Key("sms_consent"))
    }
}

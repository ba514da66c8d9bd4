/// Where a change of marketing consent came from, as the consent history records it.
public enum ConsentSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// ENROLL at a till; the actor is the terminal.
    case till
    /// `member add` or `member update`; the actor is the administrator.
    case admin
    /// A member import (it sets `loyalty.consent_source = 'import'` in its transaction).
    case `import`
    /// A merge of two member records.
    case merge
    /// The erasure of the member's personal data, which withdraws all consent.
    case erasure
    /// Consent held when the history began (migration 0010).
    case migration
}

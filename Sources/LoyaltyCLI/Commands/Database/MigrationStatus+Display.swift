import LoyaltyStore

extension MigrationStatus.State {
    /// `applied`, `pending`, `changed` or `unknown`.
    var label: String {
        switch self {
        case .applied: "applied"
        case .pending: "pending"
        case .changed: "CHANGED since applied"
        case .unknown: "unknown to this binary"
        }
    }

    var appliedAtText: String {
        switch self {
        case .applied(let at), .unknown(let at): Dates.text(at)
        case .pending, .changed: ""
        }
    }
}

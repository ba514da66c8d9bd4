import LoyaltyCore

/// Who asks for a change: a terminal request (idempotent by its request id) or an administrator (audited).
public enum Origin: Sendable, Hashable {
    /// A till request. `fingerprint` is the canonical form of the request's meaning; a retry with the
    /// same request id and fingerprint replays the stored result.
    case terminal(id: Int64, request: RequestID, fingerprint: String)
    /// An administrator, by the name recorded in the audit log.
    case admin(actor: String)

    var terminalID: Int64? {
        if case .terminal(let id, _, _) = self { return id }
        return nil
    }

    var requestID: String? {
        if case .terminal(_, let request, _) = self { return request.value }
        return nil
    }

    var fingerprint: String? {
        if case .terminal(_, _, let fingerprint) = self { return fingerprint }
        return nil
    }

    var adminActor: String? {
        if case .admin(let actor) = self { return actor }
        return nil
    }
}

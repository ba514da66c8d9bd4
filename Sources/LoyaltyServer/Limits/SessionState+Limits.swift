extension SessionState {
    /// The authenticated terminal's id, for its rate limit.
    var terminalID: Int64? {
        if case .authenticated(let id, _, _) = phase { return id }
        return nil
    }
}

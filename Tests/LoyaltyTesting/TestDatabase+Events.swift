extension TestDatabase {
    /// Waits until every transaction begun so far, in the whole cluster, has finished: the tests share the
    /// cluster, and a reader of the outbox sees an event only once every older transaction has finished.
    public func settleEvents(within timeout: Duration = .seconds(60)) async throws {
        let mark = try await scalar("select pg_current_xact_id()::text::int8")
        let deadline = ContinuousClock.now + timeout
        while try await scalar("select loyalty_event_horizon()::text::int8") <= mark {
            guard ContinuousClock.now < deadline else { throw TestDatabaseQueryError.noRow }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

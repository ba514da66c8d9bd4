import PostgresNIO

extension TestDatabase {
    /// Today plus `days` in UTC (the programme's time zone unless a test configures another), as the
    /// database sees it, `YYYY-MM-DD`.
    public func dateText(daysFromToday days: Int = 0) async throws -> String {
        let rows = try await client.query(
            "select to_char((now() at time zone 'UTC')::date + \(days)::int, 'YYYY-MM-DD')", logger: logger)
        for try await text in rows.decode(String.self) { return text }
        throw TestDatabaseQueryError.noRow
    }
}

import PostgresNIO

extension TestDatabase {
    /// Lets `days` days pass for the data: every `timestamptz` column of every table moves that far into
    /// the past, so that pending points mature, lots expire and windows slide as if the time had gone by.
    /// Calendar dates that people chose (`date` columns: birth dates, promotion days, manual tier end
    /// dates) stay as they are. Triggers are off for the shift only (it edits append-only tables), in
    /// one transaction.
    public func travel(days: Int) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("set local session_replication_role = replica", logger: logger)
            try await connection.query(
                """
                do $$
                declare
                    col record;
                begin
                    for col in
                        select c.table_name, c.column_name from information_schema.columns c
                          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
                           and c.data_type = 'timestamp with time zone'
                    loop
                        execute format('update %I set %I = %I - make_interval(days => %s)',
                                       col.table_name, col.column_name, col.column_name, \(unescaped: String(days)));
                    end loop;
                end
                $$
                """,
                logger: logger)
        }
    }
}

import LoyaltyCore
import NIOCore
import PostgresNIO

extension LoyaltyStore {
    /// Checks, once at start, what the configuration promises and only the database can confirm: that
    /// the programme's time zone is one PostgreSQL knows (a misspelt one would otherwise fail every
    /// purchase at the till), and that the installation key is the one this database's vouchers were
    /// made with (the first process with a key records its check value).
    public func verifyConfiguration() async throws(LoyaltyError) {
        let knownZone = try await run {
            var known = false
            let rows = try await client.query(
                "select exists (select 1 from pg_timezone_names where name = \(rules.timeZone))", logger: logger)
            for try await value in rows.decode(Bool.self) { known = value }
            return known
        }
        guard knownZone else {
            throw LoyaltyError(
                .configuration, "programme.time-zone '\(rules.timeZone)' is not a time zone PostgreSQL knows (e.g. Europe/Berlin)")
        }
        guard let installationKey else { return }
        let check = ByteBuffer(bytes: installationKey.checkValue)
        let matches = try await run {
            var matches = false
            let rows = try await client.query(
                """
                with recorded as (
                    insert into installation_key (check_value) values (\(check)) on conflict (singleton) do nothing
                    returning check_value
                )
                select coalesce((select check_value from recorded), (select check_value from installation_key)) = \(check)
                """,
                logger: logger)
            for try await value in rows.decode(Bool.self) { matches = value }
            return matches
        }
        guard matches else {
            throw LoyaltyError(
                .configuration,
                "the installation key is not the one this database's vouchers were made with: use the server's key file (security.key-file)")
        }
    }
}

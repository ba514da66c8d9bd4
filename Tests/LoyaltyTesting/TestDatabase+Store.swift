import LoyaltyCore
import LoyaltyStore
import PostgresNIO

extension TestDatabase {
    /// The store over this database, with the tests' installation key.
    public var store: LoyaltyStore { LoyaltyStore(client: client, logger: logger, installationKey: testInstallationKey) }

    /// The store over this database, applying `rules`, with the tests' installation key.
    public func store(rules: ProgrammeRules) -> LoyaltyStore {
        LoyaltyStore(client: client, logger: logger, rules: rules, installationKey: testInstallationKey)
    }

    /// A new active member with an empty account, created as an administrator would.
    public func newMember(_ first: String = "Ada", _ last: String = "Lovelace", email: String? = nil) async throws -> MemberReference {
        let result = try await store.enroll(
            NewMember(firstName: first, lastName: last, email: try email.map { try EmailAddress(parsing: $0) }),
            origin: .admin(actor: "test"))
        return .number(try MemberNumber(parsing: result.member))
    }

    /// Runs a query that returns one integer (cast to int8 in SQL).
    public func scalar(_ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return value }
        throw TestDatabaseQueryError.noRow
    }

    /// Runs a query and returns the first column of every row, as text.
    public func texts(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await client.query(query, logger: logger).decode(String.self) { values.append(value) }
        return values
    }
}

public enum TestDatabaseQueryError: Error {
    case noRow
}

/// The installation key tests pass explicitly (32 bytes 0x01…0x20), so that voucher codes are reproducible.
public let testInstallationKey: InstallationKey = {
    do {
        return try InstallationKey(bytes: (1...32).map { UInt8($0) })
    } catch {
        fatalError("32 bytes are a valid key: \(error)")
    }
}()

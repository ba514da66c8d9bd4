import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO

/// One import line: `at` is ISO (`2024-03-01 10:00`, optionally with an offset), `amount` a plain decimal.
func importLine(
    _ number: Int, _ receipt: String, _ customer: String, _ at: String, _ amount: String, store: String? = nil,
    currency: Currency? = nil
) throws -> PurchaseImportLine {
    PurchaseImportLine(
        line: number, receipt: receipt, customer: customer, purchasedAt: try ImportTimestamp(parsing: at, format: .iso),
        amount: try ImportDecimal(parsing: amount), store: store, currency: currency)
}

/// A fixed fingerprint for imports fed by tests.
let testSHA256: [UInt8] = Array(repeating: 0xAB, count: 32)

extension LoyaltyStore {
    /// Imports `lines` as one file would, through the COPY writer.
    @discardableResult
    func importLines(
        _ lines: [PurchaseImportLine], currency: Currency = .euro, createMembers: Bool = true, file: String = "history.csv",
        skipped: Int = 0
    ) async throws -> PurchaseImportResult {
        try await importPurchases(file: file, currency: currency, createMembers: createMembers, actor: "importer") { writer in
            try await writer.write(lines)
            return PurchaseImportTally(sha256: testSHA256, lines: lines.count + skipped, skippedLines: skipped)
        }
    }
}

extension TestDatabase {
    /// A store with these tracker rules (and programme time zone), over this database.
    func trackerStore(timeZone: String = "UTC", currency: Currency = .euro, lapse: LapseRule = .standard) throws -> LoyaltyStore {
        LoyaltyStore(
            client: client, logger: logger, rules: try ProgrammeRules(timeZone: timeZone),
            trackerRules: TrackerRules(currency: currency, lapse: lapse), installationKey: testInstallationKey)
    }

    /// Days relative to today (UTC), `YYYY-MM-DD`, in one query.
    func days(_ offsets: [Int]) async throws -> [String] {
        var result: [String] = []
        let rows = try await client.query(
            """
            select to_char((now() at time zone 'UTC')::date + o, 'YYYY-MM-DD')
              from unnest(\(offsets)::int[]) with ordinality as t(o, k) order by k
            """,
            logger: logger)
        for try await day in rows.decode(String.self) { result.append(day) }
        return result
    }

    /// Imports one sale of `amount` for `customer` at noon on each of the days `offsets` from today, each
    /// its own receipt (`<customer>-<n>`), numbered after `first`.
    @discardableResult
    func importSales(
        _ store: LoyaltyStore? = nil, customer: String, daysFromToday offsets: [Int], amount: String = "10.00",
        storeCode: String? = nil, currency: Currency? = nil
    ) async throws -> PurchaseImportResult {
        let days = try await days(offsets)
        let lines = try days.enumerated().map { index, day in
            try importLine(
                index + 2, "\(customer)-\(offsets[index])-\(index)-\(storeCode ?? "")", customer, "\(day) 12:00", amount,
                store: storeCode, currency: currency)
        }
        return try await (store ?? self.store).importLines(lines)
    }

    /// The member the import made (or matched) for an external id.
    func member(externalID: String) async throws -> MemberReference {
        let numbers = try await texts("select number from members where external_id = \(externalID)")
        guard let number = numbers.first else { throw TestDatabaseQueryError.noRow }
        return .number(try MemberNumber(parsing: number))
    }

    /// Runs a query returning one text, or nil.
    func text(_ query: PostgresQuery) async throws -> String? {
        for try await value in try await client.query(query, logger: logger).decode(String?.self) { return value }
        throw TestDatabaseQueryError.noRow
    }
}

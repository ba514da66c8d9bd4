import Foundation
import LoyaltyCore

// The pure part of migrating: comparing the known migrations with the recorded ones.
extension Migrator {
    /// A row of `schema_migrations`.
    struct Record: Sendable, Hashable {
        let version: Int
        let name: String
        let checksum: String
        let appliedAt: Date
    }

    /// Known and recorded migrations side by side, by version.
    static func statuses(of migrations: [Migration], records: [Record]) -> [MigrationStatus] {
        let recorded = Dictionary(records.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let known = Set(migrations.map(\.version))
        var statuses = migrations.map { migration -> MigrationStatus in
            guard let record = recorded[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending)
            }
            let state: MigrationStatus.State =
                record.checksum == migration.checksum
                ? .applied(at: record.appliedAt)
                : .changed(recordedChecksum: record.checksum, checksum: migration.checksum)
            return MigrationStatus(version: migration.version, name: migration.name, state: state)
        }
        for record in records where !known.contains(record.version) {
            statuses.append(
                MigrationStatus(version: record.version, name: record.name, state: .unknown(appliedAt: record.appliedAt))
            )
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// The migrations to apply, in order; throws if an applied file changed or a pending one is out of order.
    static func plan(_ migrations: [Migration], records: [Record]) throws(LoyaltyError) -> [Migration] {
        let statuses = statuses(of: migrations, records: records)
        for status in statuses {
            if case .changed(let recorded, let current) = status.state {
                throw LoyaltyError(
                    .configuration,
                    "migration \(status.name) was edited after it was applied (recorded checksum "
                        + "\(recorded.prefix(12))…, file \(current.prefix(12))…); add a new migration instead"
                )
            }
        }
        let pending = Set(statuses.filter { $0.state == .pending }.map(\.version))
        let plan = migrations.filter { pending.contains($0.version) }
        if let latest = records.max(by: { $0.version < $1.version }), let first = plan.first,
            first.version < latest.version
        {
            throw LoyaltyError(
                .configuration,
                "migration \(first.name) is not applied, but the later \(latest.name) is; migrations apply in order, "
                    + "so give it a number after \(String(format: "%04d", latest.version))"
            )
        }
        return plan
    }

    /// Versions must be unique and ascending.
    static func validateOrder(of migrations: [Migration]) throws(LoyaltyError) {
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version >= next.version {
            throw LoyaltyError(
                .configuration,
                "migrations must have unique, ascending numbers, but \(next.name) comes after \(previous.name)"
            )
        }
    }
}

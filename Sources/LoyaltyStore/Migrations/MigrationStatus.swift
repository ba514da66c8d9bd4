import Foundation

/// Where one migration stands in a database, as reported by ``Migrator/status()``.
public struct MigrationStatus: Sendable, Hashable {
    /// The state of a migration.
    public enum State: Sendable, Hashable {
        /// Applied at the given time, with the same checksum as the file.
        case applied(at: Date)
        /// In this binary, not applied yet.
        case pending
        /// Applied, but the file has changed since (`recordedChecksum` differs from the file's `checksum`).
        case changed(recordedChecksum: String, checksum: String)
        /// Recorded as applied (at the given time) but not part of this binary: the database was migrated by a
        /// newer version of Loyalty.
        case unknown(appliedAt: Date)
    }

    /// The migration's version (its file name's 4-digit prefix).
    public let version: Int
    /// The file name (for ``State/unknown(appliedAt:)``, the name recorded in the database).
    public let name: String
    /// Where it stands.
    public let state: State

    /// Creates a status entry.
    public init(version: Int, name: String, state: State) {
        self.version = version
        self.name = name
        self.state = state
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// The PostgreSQL server programs the embedded cluster needs: `initdb`, `pg_ctl` and `postgres`, all from one
/// directory (one installation).
public struct PostgresBinaries: Sendable, Hashable {
    /// The directory that holds the three programs.
    public let directory: String

    /// `<directory>/initdb`.
    public var initdb: String { directory + "/initdb" }
    /// `<directory>/pg_ctl`.
    public var pgCtl: String { directory + "/pg_ctl" }
    /// `<directory>/postgres`.
    public var postgres: String { directory + "/postgres" }

    static let programs = ["initdb", "pg_ctl", "postgres"]

    /// Finds the server programs, looking in order at:
    ///
    /// 1. `binDirectory` (the `LOYALTY_PG_BIN` setting): if given, it must hold them, nothing else is searched;
    /// 2. every directory of `searchPath` (`$PATH`); a symlinked `initdb` is followed to its installation;
    /// 3. `fallbackDirectories`, by default ``standardDirectories()``: the highest `/usr/lib/postgresql/*/bin`
    ///    (Debian and Ubuntu install there, off the PATH), `/usr/local/pgsql/bin`, then Homebrew's and
    ///    Postgres.app's prefixes.
    ///
    /// - Throws: ``LoyaltyError`` `.configuration` naming the package to install and the `LOYALTY_PG_BIN` override.
    public static func locate(
        binDirectory: String?,
        searchPath: String?,
        fallbackDirectories: [String] = standardDirectories()
    ) throws(LoyaltyError) -> PostgresBinaries {
        if let binDirectory, !binDirectory.isEmpty {
            guard let found = complete(in: binDirectory) else {
                let missing = programs.filter { !isExecutable(binDirectory + "/" + $0) }
                throw LoyaltyError(
                    .configuration,
                    "PostgreSQL's server programs are missing: LOYALTY_PG_BIN is \(binDirectory), which does not contain "
                        + "\(missing.joined(separator: ", ")); point it at the directory that holds initdb, pg_ctl and "
                        + "postgres (on Debian and Ubuntu: /usr/lib/postgresql/<version>/bin), or install PostgreSQL "
                        + "(Debian/Ubuntu: apt-get install postgresql; Fedora/RHEL: dnf install postgresql-server; "
                        + "macOS: brew install postgresql@16)"
                )
            }
            return found
        }
        let pathDirectories = (searchPath ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for directory in pathDirectories {
            let candidate = directory + "/initdb"
            guard isExecutable(candidate) else { continue }
            // /usr/local/bin/initdb may be a symlink into the real installation: take that installation.
            if let resolved = realPath(candidate), let found = complete(in: parent(of: resolved)) {
                return found
            }
            if let found = complete(in: directory) { return found }
        }
        for directory in fallbackDirectories {
            if let found = complete(in: directory) { return found }
        }
        throw notFound
    }

    /// The usual installation directories, best first: `/usr/lib/postgresql/<highest>/bin` (Debian, Ubuntu),
    /// `/usr/pgsql-<highest>/bin` (PGDG RPMs), `/usr/local/pgsql/bin` (source builds), Homebrew's `postgresql@N`
    /// (highest first) and `bin`, and Postgres.app.
    public static func standardDirectories() -> [String] {
        var directories: [String] = []
        directories += versioned(in: "/usr/lib/postgresql", prefix: "", suffix: "/bin")
        directories += versioned(in: "/usr", prefix: "pgsql-", suffix: "/bin")
        directories.append("/usr/local/pgsql/bin")
        for brew in ["/opt/homebrew", "/usr/local", "/home/linuxbrew/.linuxbrew"] {
            directories += versioned(in: brew + "/opt", prefix: "postgresql@", suffix: "/bin")
            directories.append(brew + "/opt/postgresql/bin")
            directories.append(brew + "/bin")
        }
        directories.append("/Applications/Postgres.app/Contents/Versions/latest/bin")
        return directories
    }

    static let notFound = LoyaltyError(
        .configuration,
        "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found in $PATH, /usr/lib/postgresql/*/bin, "
            + "/usr/local/pgsql/bin or Homebrew's prefix. Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; "
            + "Fedora/RHEL: dnf install postgresql-server; macOS: brew install postgresql@16) or set LOYALTY_PG_BIN "
            + "to the directory that holds initdb."
    )

    private static func complete(in directory: String) -> PostgresBinaries? {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard programs.allSatisfy({ isExecutable(trimmed + "/" + $0) }) else { return nil }
        return PostgresBinaries(directory: trimmed)
    }

    /// `<root>/<prefix><N><suffix>` for every numeric version N found, highest first.
    private static func versioned(in root: String, prefix: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.compactMap { name -> (Double, String)? in
            guard name.hasPrefix(prefix), let version = Double(name.dropFirst(prefix.count)) else { return nil }
            return (version, name)
        }
        return versions.sorted { $0.0 > $1.0 }.map { "\(root)/\($0.1)\(suffix)" }
    }

    private static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Makes sure test processes leave no PostgreSQL servers or temporary directories behind.
///
/// Temporary directories are named `/tmp/loyalty-<pid>-XXXXXX` (``makeTemporaryDirectory(prefix:)``), after
/// the process that made them. When that process exits, an `atexit` hook stops every embedded cluster
/// found in its directories and deletes them. A process that crashes or is killed cannot do that, so the
/// first directory a later test process makes also clears the directories of processes that no longer exist.
enum ClusterCleanup {
    /// Installs the exit hook and clears orphans, once per process.
    static let installed: Void = {
        removeDirectories { owner in kill(owner, 0) != 0 && errno == ESRCH }
        atexit { ClusterCleanup.removeDirectories { owner in owner == getpid() } }
    }()

    /// The prefix of every directory name, followed by the owner's PID and `-`.
    static let prefix = "loyalty-"

    /// Stops the clusters in, and deletes, the temporary directories whose owner PID matches.
    private static func removeDirectories(ownedBy matches: (pid_t) -> Bool) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let owner = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), owner > 0, matches(owner)
            else { continue }
            let directory = "/tmp/" + name
            for dataDirectory in dataDirectories(in: directory) {
                stopServer(dataDirectory: dataDirectory)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// PostgreSQL data directories (holding `postmaster.pid`) up to four levels down.
    private static func dataDirectories(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if enumerator.level > 4 {
                enumerator.skipDescendants()
            } else if relative.hasSuffix("postmaster.pid") {
                found.append(directory + "/" + relative.dropLast("/postmaster.pid".count))
            }
        }
        return found
    }

    /// Sends the postmaster SIGQUIT (immediate shutdown: the data is thrown away) and waits up to ten
    /// seconds for it to exit.
    private static func stopServer(dataDirectory: String) {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first,
            let pid = pid_t(line.trimmingCharacters(in: .whitespaces)), pid > 0, pid != getpid()
        else { return }
        kill(pid, SIGQUIT)
        var waited = 0
        while kill(pid, 0) == 0 && waited < 500 {
            usleep(20_000)
            waited += 1
        }
    }
}

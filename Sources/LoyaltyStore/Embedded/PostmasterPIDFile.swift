#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a data directory's `postmaster.pid` says, and whether that server really is alive.
///
/// The file's lines are: PID, data directory, start time, port, socket directory, listen address, shared
/// memory key, and the server's status (`starting`, `ready`, `stopping`). `pg_ctl status` only reads the PID
/// and checks that the process exists; after a crash or a container restart that PID may belong to another
/// program, so ``ownsDataDirectory`` also checks that the process works in this data directory (Linux).
struct PostmasterPIDFile: Sendable, Hashable {
    /// The server's status line (PostgreSQL's `PM_STATUS_*`).
    enum Status: String, Sendable {
        case starting, ready, stopping, standby, unknown
    }

    let pid: pid_t
    let status: Status

    static func path(dataDirectory: String) -> String { dataDirectory + "/postmaster.pid" }

    /// Reads the file; `nil` when there is none or it is unreadable (a server writing it right now).
    static func read(dataDirectory: String) -> PostmasterPIDFile? {
        guard let text = try? String(contentsOfFile: path(dataDirectory: dataDirectory), encoding: .utf8) else {
            return nil
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0 else {
            return nil
        }
        let statusText = lines.count > 7 ? lines[7].trimmingCharacters(in: .whitespaces) : ""
        return PostmasterPIDFile(pid: pid, status: Status(rawValue: statusText) ?? .unknown)
    }

    /// Whether a process with this PID exists (what `pg_ctl status` checks).
    var processExists: Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Whether the process works in `dataDirectory`: the postmaster's working directory is its data
    /// directory. Where `/proc` is missing, an existing process is assumed to be the server.
    func ownsDataDirectory(_ dataDirectory: String) -> Bool {
        guard processExists else { return false }
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
        guard length > 0 else { return errno != ENOENT && errno != ESRCH }
        let cwd = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let expected = URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().path
        return cwd == expected || cwd == dataDirectory
        #else
        return true
        #endif
    }
}

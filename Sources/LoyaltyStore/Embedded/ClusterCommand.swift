#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// One run of a PostgreSQL program (`initdb`, `pg_ctl`) as the cluster's account.
///
/// Arguments are passed as an argument vector (`posix_spawn`), never through a shell string. The child gets
/// `/dev/null` as stdin, a temporary file as stdout and stderr, and no other file descriptor.
///
/// Foundation's `Process` is not used on purpose: on Linux it detects a child's exit through a socket the
/// child inherits, and `pg_ctl start` leaves a server running that inherits it too, so `Process` would never
/// report that `pg_ctl` has exited. For the same reason output goes to a file rather than a pipe.
struct ClusterCommand: Sendable {
    /// The outcome of a finished command.
    struct Outcome: Sendable {
        let status: Int32
        let output: String

        var succeeded: Bool { status == 0 }

        /// The last `lines` lines of the output, for error messages.
        func tail(_ lines: Int = 20) -> String {
            output.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
        }
    }

    let executable: String
    let arguments: [String]
    let account: ClusterAccount
    let workingDirectory: String

    /// Runs the command and waits for it to exit (polling, so that no thread is blocked).
    func run() async throws(LoyaltyError) -> Outcome {
        let argv = try commandLine()
        var outputTemplate = Array((NSTemporaryDirectory() + "/loyalty-pg-XXXXXX").replacingOccurrences(of: "//", with: "/").utf8CString)
        let output = outputTemplate.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard output >= 0 else {
            throw LoyaltyError(.configuration, "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
        let outputPath = String(decoding: outputTemplate.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(output)
            unlink(outputPath)
        }

        let pid = try spawn(argv, output: output)
        let status = await Self.waitForExit(pid)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: text)
    }

    private func spawn(_ argv: [String], output: Int32) throws(LoyaltyError) -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        #if canImport(Darwin)
        posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        #else
        SpawnActions.changeDirectory(&actions, to: workingDirectory)
        SpawnActions.closeInheritedDescriptors(&actions, keeping: output)
        #endif

        let environment = Self.environment().map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = Self.withCStrings(argv) { argvPointers in
            Self.withCStrings(environment) { environmentPointers in
                posix_spawn(&pid, argv[0], &actions, &attributes, argvPointers, environmentPointers)
            }
        }
        guard result == 0 else {
            throw LoyaltyError(.configuration, "cannot run \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Polls `waitpid(WNOHANG)`; returns the exit status (128 + signal number if it was killed).
    private static func waitForExit(_ pid: pid_t) async -> Int32 {
        var delay = 5
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            if result < 0 && errno != EINTR { return -1 }
            // Not cancellable: a half-finished initdb or pg_ctl must be waited for.
            try? await Task.sleep(for: .milliseconds(delay))
            delay = min(delay * 2, 100)
        }
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<R>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }

    /// The argument vector: the program itself, or wrapped to switch from root to the cluster's account.
    func commandLine() throws(LoyaltyError) -> [String] {
        let direct = [executable] + arguments
        guard account.switchesUser else { return direct }
        if let runuser = Self.firstExecutable(["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]) {
            return [runuser, "-u", account.name, "--"] + direct
        }
        if let setpriv = Self.firstExecutable(["/usr/bin/setpriv", "/bin/setpriv"]) {
            return [setpriv, "--reuid=\(account.uid)", "--regid=\(account.gid)", "--init-groups", "--"] + direct
        }
        if let su = Self.firstExecutable(["/bin/su", "/usr/bin/su"]) {
            // The program and its arguments reach the shell as $0 and $@, never as part of the script.
            return [su, "-s", "/bin/sh", "-c", "exec \"$0\" \"$@\"", account.name] + direct
        }
        throw LoyaltyError(
            .configuration,
            "running as root, but none of runuser, setpriv or su is available to start PostgreSQL as '\(account.name)' "
                + "(PostgreSQL refuses to run as root); install util-linux or run loyalty as an unprivileged user"
        )
    }

    /// The current environment without libpq's and the server's `PG*` variables, which would override the
    /// cluster's own settings.
    private static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
    }

    private static func firstExecutable(_ candidates: [String]) -> String? {
        candidates.first { access($0, X_OK) == 0 }
    }
}

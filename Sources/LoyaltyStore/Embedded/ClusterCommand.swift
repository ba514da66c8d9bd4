#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// One run of a PostgreSQL program (`initdb`, `pg_ctl`) with Foundation's `Process`, as the cluster's account.
///
/// Arguments are passed as an argument vector, never through a shell string. Output (stdout and stderr
/// together) goes to a temporary file rather than a pipe: `pg_ctl start` leaves a server running that could
/// otherwise hold a pipe open and make a reader wait for ever.
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

    /// Runs the command and waits for it to exit.
    func run() async throws(LoyaltyError) -> Outcome {
        let argv = try commandLine()
        let outputPath = NSTemporaryDirectory() + "loyalty-pg-\(UUID().uuidString).out"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else {
            throw LoyaltyError(.configuration, "cannot create a temporary file in \(NSTemporaryDirectory())")
        }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        process.environment = Self.environment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output

        let status: Int32
        do {
            status = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { finished in
                    continuation.resume(returning: finished.terminationStatus)
                }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        } catch {
            try? output.close()
            throw LoyaltyError(.configuration, "cannot run \(argv[0]): \(error)")
        }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: text)
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

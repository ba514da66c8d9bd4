#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs the built `loyalty` executable as a person or a script would, and captures what it prints.
struct LoyaltyProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `.build/<config>/loyalty`, next to the test runner (`swift build --build-tests` builds it).
    static var executable: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = runner.appendingPathComponent("loyalty")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        // The runner may sit inside an .xctest bundle directory.
        return runner.deletingLastPathComponent().appendingPathComponent("loyalty")
    }

    /// The environment for a child: this process's, minus any LOYALTY_ setting that would leak in.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LOYALTY_") }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs the command to completion. A child still running after `timeout` is killed and
    /// ``CLITestError/timeout(_:)`` is thrown, so that a command that hangs fails the test instead of blocking it.
    static func run(
        _ arguments: [String], environment extra: [String: String], timeout: Duration = .seconds(120)
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment(extra)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let started = ContinuousClock.now
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (outData, errData) = await (stdout, stderr)
        watchdog.cancel()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL,
            ContinuousClock.now - started >= timeout
        {
            throw CLITestError.timeout("loyalty \(arguments.joined(separator: " ")) ran for more than \(timeout)")
        }
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts a long-running child (`serve`), with its output going to a file.
    static func start(_ arguments: [String], environment extra: [String: String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment(extra)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()  // the child has its own copy
        return process
    }

    /// Waits until a line containing `text` appears in the log of a child started with ``start(_:environment:log:)``
    /// and returns that line. Fails at once if the child exits first, and after `timeout` otherwise.
    static func waitForLine(
        containing text: String, in log: URL, of process: Process, timeout: Duration = .seconds(90)
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let contents = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = contents.split(separator: "\n").first(where: { $0.contains(text) }) {
                return String(line)
            }
            guard process.isRunning else {
                throw CLITestError.exited("exited (status \(process.terminationStatus)) before logging '\(text)':\n\(contents)")
            }
            guard ContinuousClock.now < deadline else {
                throw CLITestError.timeout("no '\(text)' in \(log.path) after \(timeout):\n\(contents)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends SIGTERM and waits up to `timeout` for the child to exit; returns how it ended. Past the deadline
    /// throws ``CLITestError/timeout(_:)`` and leaves the child running (see ``killIfRunning(_:)``).
    static func terminate(
        _ process: Process, timeout: Duration = .seconds(30)
    ) async throws -> (reason: Process.TerminationReason, status: Int32) {
        let deadline = ContinuousClock.now + timeout
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw CLITestError.timeout("PID \(process.processIdentifier) still running \(timeout) after SIGTERM")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (process.terminationReason, process.terminationStatus)
    }

    /// Kills the child (SIGKILL) if it is still running and waits for it: clean-up after a failed test.
    static func killIfRunning(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

extension LoyaltyProcess.Outcome {
    /// Parses standard output as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    func jsonObject() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else { throw CLITestError.notAnObject(stdout) }
        return object
    }
}

enum CLITestError: Error {
    case notAnObject(String)
    case timeout(String)
    case exited(String)
}

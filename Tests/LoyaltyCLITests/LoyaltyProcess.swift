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

    static func run(_ arguments: [String], environment extra: [String: String]) async throws -> Outcome {
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
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (outData, errData) = await (stdout, stderr)
        process.waitUntilExit()
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
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
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
}

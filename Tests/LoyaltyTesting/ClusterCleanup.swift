#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Shuts down the test process's private PostgreSQL clusters and deletes their directories when the process
/// exits. `atexit` takes a C function, so the list lives in a process-wide, lock-protected value: the one
/// global in the test helpers.
enum ClusterCleanup {
    private struct State {
        var hookInstalled = false
        var homes: [String] = []
    }

    private static let state = Mutex(State())

    /// Registers a state directory whose cluster (in `<home>/postgres/data`) is stopped and whose files are
    /// deleted at exit.
    static func register(home: String) {
        let installHook = state.withLock { state in
            state.homes.append(home)
            defer { state.hookInstalled = true }
            return !state.hookInstalled
        }
        if installHook {
            atexit { ClusterCleanup.cleanUp() }
        }
    }

    /// Sends the postmaster SIGQUIT (immediate shutdown: the data is thrown away anyway), waits up to ten
    /// seconds for it to exit, and removes the directory.
    private static func cleanUp() {
        let homes = state.withLock { $0.homes }
        for home in homes {
            let pidFile = home + "/postgres/data/postmaster.pid"
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let line = text.split(separator: "\n").first,
                let pid = pid_t(line.trimmingCharacters(in: .whitespaces)), pid > 0
            {
                kill(pid, SIGQUIT)
                var waited = 0
                while kill(pid, 0) == 0 && waited < 500 {
                    usleep(20_000)
                    waited += 1
                }
            }
            try? FileManager.default.removeItem(atPath: home)
        }
    }
}

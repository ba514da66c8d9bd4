import NIOConcurrencyHelpers
import NIOCore

/// The open terminal connections, so that graceful shutdown can close idle ones at once and let busy
/// ones finish the request in hand.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        var busy: Bool
    }

    private struct State {
        var shuttingDown = false
        var nextID = 0
        var connections: [Int: Entry] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Registers a new connection; nil when the server is already shutting down.
    func register(_ channel: any Channel) -> Int? {
        state.withLockedValue { state in
            guard !state.shuttingDown else { return nil }
            state.nextID += 1
            state.connections[state.nextID] = Entry(channel: channel, busy: false)
            return state.nextID
        }
    }

    /// Marks a connection busy or idle; returns whether the server is shutting down.
    func setBusy(_ id: Int, _ busy: Bool) -> Bool {
        state.withLockedValue { state in
            state.connections[id]?.busy = busy
            return state.shuttingDown
        }
    }

    func remove(_ id: Int) {
        _ = state.withLockedValue { state in state.connections.removeValue(forKey: id) }
    }

    var count: Int { state.withLockedValue { $0.connections.count } }

    /// Starts shutdown: idle connections are closed now, busy ones after their current reply.
    func beginShutdown() {
        let idle = state.withLockedValue { state -> [any Channel] in
            state.shuttingDown = true
            return state.connections.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }

    /// Closes every connection, busy or not (the grace period is over).
    func closeAll() {
        let all = state.withLockedValue { $0.connections.values.map(\.channel) }
        for channel in all { channel.close(promise: nil) }
    }
}

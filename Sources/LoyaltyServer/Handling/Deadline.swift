import LoyaltyCore
import NIOConcurrencyHelpers
import NIOCore

/// Runs an operation with a time limit and answers at the limit even if the operation does not stop.
///
/// A PostgreSQL query cannot be interrupted once sent, so waiting for a cancelled query to return
/// would hold the till's reply hostage to a stuck database. Instead the reply is `UNAVAILABLE` at the
/// deadline and the operation finishes in the background: it either commits, and the till's retry with
/// the same `req` gets the stored outcome, or it does not, and the retry does the work.
///
/// The timer is a task scheduled on a NIO event loop rather than a `Task.sleep`: every till request has
/// one, and an event loop's timer heap costs a fraction of a dispatch timer and its manager thread.
enum Deadline {
    static func run<T: Sendable>(
        within limit: Duration, timerLoop: any EventLoop, _ operation: @escaping @Sendable () async throws -> T
    ) async -> Result<T, LoyaltyError> {
        await withCheckedContinuation { continuation in
            let race = Race(continuation)
            let work = Task {
                let result: Result<T, LoyaltyError>
                do {
                    result = .success(try await operation())
                } catch let error as LoyaltyError {
                    result = .failure(error)
                } catch {
                    result = .failure(LoyaltyError(.internal, "internal error"))
                }
                race.finish(result)
            }
            let (seconds, attoseconds) = limit.components
            let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            let timer = timerLoop.scheduleTask(in: delay) {
                if race.finish(.failure(LoyaltyError(.unavailable, "database did not answer in time; the request may or may not have been applied: retry with the same req"))) {
                    work.cancel()
                }
            }
            race.onFinish { timer.cancel() }
        }
    }

    /// Resumes the continuation with whichever result comes first.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result<T, LoyaltyError>, Never>?
            var cleanup: (@Sendable () -> Void)?
            var finished = false
        }

        private let state: NIOLockedValueBox<State>

        init(_ continuation: CheckedContinuation<Result<T, LoyaltyError>, Never>) {
            state = NIOLockedValueBox(State(continuation: continuation))
        }

        /// Returns whether this result was the first.
        @discardableResult
        func finish(_ result: Result<T, LoyaltyError>) -> Bool {
            let (continuation, cleanup) = state.withLockedValue { state in
                defer {
                    state.continuation = nil
                    state.cleanup = nil
                    state.finished = true
                }
                return (state.continuation, state.cleanup)
            }
            cleanup?()
            guard let continuation else { return false }
            continuation.resume(returning: result)
            return true
        }

        /// Registers what to do once a result is in (at once if it already is).
        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let alreadyFinished = state.withLockedValue { state in
                if state.finished { return true }
                state.cleanup = cleanup
                return false
            }
            if alreadyFinished { cleanup() }
        }
    }
}

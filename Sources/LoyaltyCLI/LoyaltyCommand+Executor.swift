import NIOCore
import NIOPosix

extension LoyaltyCommand {
    /// Runs Swift Concurrency's tasks on SwiftNIO's event loops for the commands that live on the network:
    /// `serve` and `bench`. Otherwise every request hops from an event loop to the cooperative pool to read a
    /// line, to PostgresNIO's event loop and back, and to an event loop again to write the reply; measured in
    /// docs/performance.md. Call first thing in `main`, on the main thread, once.
    ///
    /// The admin commands keep the default executor: they make few round trips each, so they would gain
    /// nothing, and a blocking call added to one of them later must not stall an event loop.
    ///
    /// `LOYALTY_EXECUTOR=default` keeps Swift's own executor for these too: an escape hatch, and the other
    /// half of the comparison that `scripts/bench` prints.
    public static func prepareExecutor(arguments: [String], environment: [String: String]) {
        guard let command = arguments.dropFirst().first, ["serve", "bench"].contains(command),
            environment["LOYALTY_EXECUTOR"] != "default"
        else { return }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}

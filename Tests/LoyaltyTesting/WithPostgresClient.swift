import Logging
import LoyaltyStore
import PostgresNIO

/// Runs `body` with a running ``PostgresClient`` for `url` (its `run()` in a task beside the body), and shuts
/// the client down afterwards, whether `body` returns or throws.
///
/// The client's background logging is limited to errors (unless `logger` is set lower than that, e.g. with
/// `LOYALTY_TEST_LOG_LEVEL=debug`): the body may lease a connection before `run()` has started, which
/// PostgresNIO reports as a harmless warning.
@discardableResult
public func withPostgresClient<T>(
    _ url: DatabaseURL,
    poolSize: Int = 4,
    logger: Logger,
    configure: (inout PostgresClient.Configuration) -> Void = { _ in },
    isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresClient) async throws -> T
) async throws -> T {
    var backgroundLogger = logger
    if backgroundLogger.logLevel > .debug { backgroundLogger.logLevel = .error }
    var configuration = url.clientConfiguration(poolSize: poolSize)
    configure(&configuration)
    let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
    let outcome: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(client))
        } catch {
            outcome = .failure(error)
        }
        group.cancelAll()
        return outcome
    }
    return try outcome.get()
}

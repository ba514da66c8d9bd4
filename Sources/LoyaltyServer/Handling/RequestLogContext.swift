import Logging

/// The log metadata of the request a task is handling (`conn`, `seq`, `terminal`, `verb`, `req`), as a task
/// local, so that lines logged deep down (the store, PostgresNIO's query logging) carry it too: give the
/// process's `Logger` ``provider`` as its metadata provider.
public enum RequestLogContext {
    @TaskLocal static var metadata: Logger.Metadata = [:]

    /// Adds the current request's metadata to every line logged while it is handled.
    public static let provider = Logger.MetadataProvider { metadata }
}

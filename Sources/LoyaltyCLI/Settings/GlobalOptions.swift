import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file (also LOYALTY_CONFIG).")
    var config: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (also LOYALTY_DATABASE_URL). Unset: the embedded cluster.")
    var databaseURL: String?

    @Option(name: .long, help: "State directory for the embedded cluster (also LOYALTY_HOME; default ./.loyalty).")
    var home: String?

    @Option(name: .long, help: "Output format: table, json, csv (lists) or html (one self-contained page to print or forward).")
    var format: OutputFormat = .table

    @Option(name: .long, help: "Who is acting, for the audit log (also LOYALTY_ACTOR; default: the OS user).")
    var actor: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (also LOYALTY_LOG_LEVEL).")
    var logLevel: String?
}

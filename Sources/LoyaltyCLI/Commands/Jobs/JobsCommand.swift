import ArgumentParser

/// `loyalty jobs run JOB`: the programme's periodic jobs. Each is safe to run twice or concurrently; run
/// them daily (docs/operations.md).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "The programme's periodic jobs (run them daily).",
        subcommands: [Run.self])

    /// `loyalty jobs run JOB`. Every job is a subcommand of its own, in its own file
    /// (`Jobs/TierJob.swift`); a new job is added to `subcommands` here.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job once: it does what is due now and prints a summary.",
            subcommands: [TierJob.self])
    }
}

import ArgumentParser

/// `--wait`, which every job takes: what to do when another runner of the same job holds its lock.
struct JobLockOptions: ParsableArguments {
    @Flag(help: "When the job is already running elsewhere, wait for it to finish instead of exiting at once (status 75).")
    var wait = false
}

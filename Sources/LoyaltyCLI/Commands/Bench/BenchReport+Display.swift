import LoyaltyBench

extension BenchReport {
    /// The report as the table shows it: one field a line, latencies in milliseconds.
    var displayFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("run", runID), ("mix", mix.rawValue), ("terminals", "\(terminals) (\(connected) connected)"), ("depth", String(depth)),
            ("members", String(members)), ("gift cards", String(giftCards)),
            ("duration", BenchDisplay.seconds(milliseconds: durationMilliseconds) + " after a warm-up of "
                + BenchDisplay.seconds(milliseconds: warmupMilliseconds)),
            ("requests", String(measured.requests)), ("succeeded", String(measured.succeeded)),
            ("throughput", "\(throughput) requests/s"),
            ("latency p50", LatencySummary.millisecondsText(latency.p50) + " ms"),
            ("latency p99", LatencySummary.millisecondsText(latency.p99) + " ms"),
            ("latency p99.9", LatencySummary.millisecondsText(latency.p999) + " ms"),
            ("latency max", LatencySummary.millisecondsText(latency.max) + " ms"),
            ("errors", BenchDisplay.counts(measured.errors)),
            ("connection failures",
             "connect \(connectionFailures.connect), auth \(connectionFailures.auth), lost \(connectionFailures.lost)"
                + (connectionFailures.unanswered > 0 ? " (\(connectionFailures.unanswered) requests unanswered)" : "")),
        ]
        for (verb, counts) in measured.operations.sorted(by: { $0.key < $1.key }) {
            fields.append((verb, "\(counts.succeeded) ok, \(counts.failed) refused"))
        }
        fields.append(("warm-up", "\(warmup.requests) requests, \(warmup.succeeded) ok"))
        fields.append(("server memory", BenchDisplay.memory(serverMemory)))
        return fields
    }
}

extension IdleReport {
    var displayFields: [(String, String)] {
        [
            ("connections", String(requested)), ("first request", authenticated ? "AUTH" : "PING"),
            ("opened", String(opened)), ("refused", String(refused)), ("first request failed", String(firstRequestFailed)),
            ("held", String(held)), ("final PING failed", String(pingFailures)), ("errors", BenchDisplay.counts(errors)),
            ("connect p50", LatencySummary.millisecondsText(connectLatency.p50) + " ms"),
            ("connect p99", LatencySummary.millisecondsText(connectLatency.p99) + " ms"),
            ("connect max", LatencySummary.millisecondsText(connectLatency.max) + " ms"),
            ("all open after", BenchDisplay.seconds(milliseconds: openMilliseconds)),
            ("held for", BenchDisplay.seconds(milliseconds: holdMilliseconds)),
            ("server memory", BenchDisplay.memory(serverMemory)),
        ]
    }
}

/// Integer formatting of the bench's figures for people.
enum BenchDisplay {
    /// `1500` → `1.5 s`.
    static func seconds(milliseconds: Int64) -> String {
        let tenths = milliseconds / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// `12345` KiB → `12.0 MiB`.
    static func mebibytes(_ kibibytes: Int) -> String {
        let tenths = kibibytes * 10 / 1024
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    static func memory(_ memory: ProcessMemory?) -> String {
        guard let memory else { return "not measured (no --server-pid)" }
        return "RSS \(mebibytes(memory.residentKiB)), peak \(mebibytes(memory.peakResidentKiB)) (PID \(memory.pid))"
    }

    static func counts(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

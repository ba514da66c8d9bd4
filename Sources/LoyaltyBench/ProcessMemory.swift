import Foundation

/// A process's memory as Linux reports it in `/proc/PID/status`.
public struct ProcessMemory: Sendable, Codable, Equatable {
    public let pid: Int32
    /// Resident set size now (`VmRSS`), in KiB.
    public let residentKiB: Int
    /// The highest resident set size so far (`VmHWM`), in KiB.
    public let peakResidentKiB: Int

    enum CodingKeys: String, CodingKey {
        case pid
        case residentKiB = "rss_kib"
        case peakResidentKiB = "hwm_kib"
    }

    /// Reads the figures, or nil when the process does not exist (or this is not Linux).
    public static func read(pid: Int32) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var rss: Int?
        var hwm: Int?
        for line in status.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kibibytes(line) }
            if line.hasPrefix("VmHWM:") { hwm = kibibytes(line) }
        }
        guard let rss, let hwm else { return nil }
        return ProcessMemory(pid: pid, residentKiB: rss, peakResidentKiB: hwm)
    }

    /// `VmRSS:     12345 kB` → 12345.
    private static func kibibytes(_ line: Substring) -> Int? {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
    }
}

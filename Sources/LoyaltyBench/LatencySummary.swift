import Foundation
import Histogram

/// Latency percentiles of a run, in microseconds (the histogram's resolution) and as milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public let p50: UInt64
    public let p99: UInt64
    public let p999: UInt64
    public let max: UInt64

    init(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else {
            (p50, p99, p999, max) = (0, 0, 0, 0)
            return
        }
        p50 = histogram.valueAtPercentile(50)
        p99 = histogram.valueAtPercentile(99)
        p999 = histogram.valueAtPercentile(99.9)
        max = histogram.max
    }

    init(p50: UInt64, p99: UInt64, p999: UInt64, max: UInt64) {
        (self.p50, self.p99, self.p999, self.max) = (p50, p99, p999, max)
    }

    /// The histogram the bench records into: 1 µs to an hour, three significant digits.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Microseconds as exact milliseconds (`1234` → `1.234`), without floating point.
    public static func milliseconds(_ microseconds: UInt64) -> Decimal {
        Decimal(microseconds) / 1000
    }

    /// `1234` → `"1.234"`, for the table.
    public static func millisecondsText(_ microseconds: UInt64) -> String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The same figures in milliseconds, for JSON.
    public var inMilliseconds: [String: Decimal] {
        ["p50": Self.milliseconds(p50), "p99": Self.milliseconds(p99), "p99_9": Self.milliseconds(p999), "max": Self.milliseconds(max)]
    }
}

import Foundation

/// Progress of a long import on standard error, at most every two seconds: lines and bytes read, and the
/// share of the file.
struct ImportProgress {
    let totalBytes: Int
    private let started = ContinuousClock.now
    private var last = ContinuousClock.now

    init(totalBytes: Int) {
        self.totalBytes = totalBytes
    }

    mutating func report(bytes: Int, lines: Int) {
        let now = ContinuousClock.now
        guard now - last >= .seconds(2) else { return }
        last = now
        write(bytes: bytes, lines: lines)
    }

    func finish(bytes: Int, lines: Int) {
        if ContinuousClock.now - started >= .seconds(2) { write(bytes: bytes, lines: lines) }
    }

    private func write(bytes: Int, lines: Int) {
        let percent = totalBytes > 0 ? bytes * 100 / totalBytes : 100
        let text = "read \(lines) lines, \(bytes >> 20) of \(totalBytes >> 20) MiB (\(percent)%)\n"
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment export NAME --channel email|sms [--out FILE]`: the members an email or SMS tool may
/// contact, as CSV.
struct SegmentExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a segment's reachable members as CSV for an email or SMS tool.",
        discussion: """
            Only active members who consented to the channel and have an address for it are written; the others \
            are counted by reason (closed, suspended, no consent, no address) on standard error. Columns: \
            member,first_name,last_name,email|phone,tier,points,last_purchase,rfm_segment,lapse_state. With --out \
            the file is new and readable by its owner only (mode 0600). Every export is audited.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Segment name.") var name: String
    @Option(help: "email or sms.") var channel: String
    @Option(help: "Write to this new file (0600) instead of standard output.") var out: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let name = try SegmentName(parsing: self.name)
        guard let channel = ContactChannel(rawValue: channel.lowercased()) else {
            throw LoyaltyError.badArgument("channel", "email or sms")
        }
        let sink = try ExportSink(path: out)
        let summary: SegmentExportSummary
        do {
            summary = try await runtime.withStore { store in
                let segment = try await store.segment(name)
                sink.write("member,first_name,last_name,\(channel == .email ? "email" : "phone"),tier,points,last_purchase,rfm_segment,lapse_state")
                return try await store.exportSegment(segment.filter, name: name.value, channel: channel, actor: runtime.actor) { row in
                    sink.write(
                        [
                            row.member, row.firstName, row.lastName, row.address, row.tier ?? "", String(row.points), row.lastPurchase ?? "",
                            row.rfmSegment ?? "", row.lapseState,
                        ].map(CSV.escape).joined(separator: ","))
                }
            }
            try sink.close()
        } catch {
            sink.discard()
            throw error
        }
        let reasons = summary.leftOut.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        let text = "Exported \(summary.exported) member\(summary.exported == 1 ? "" : "s")"
            + (out.map { " to \($0)" } ?? "") + "; left out \(summary.leftOut.values.reduce(0, +))"
            + (reasons.isEmpty ? "." : " (\(reasons.joined(separator: ", "))).")
        runtime.output.warning(text)
    }
}

/// Where export lines go: standard output, or a new file created with mode 0600.
final class ExportSink: @unchecked Sendable {
    private let path: String?
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String?) throws {
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw LoyaltyError(.badArgument, "\(path): cannot create a new file (\(String(cString: strerror(errno))))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    func close() throws {
        flush()
        if path != nil { try handle.synchronize() }
    }

    /// Removes a partly written file after a failure.
    func discard() {
        if let path { unlink(path) }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            // The reader of standard output went away (`| head`): stop quietly, as command-line tools do.
            if path == nil { exit(0) }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

import Foundation
import LoyaltyCore

/// The members file of `reward grant --members FILE`: one member number per line, as the first column of
/// a CSV (further columns are ignored), with an optional header line. Blank lines are ignored. A line
/// that holds no valid member number, or repeats an earlier member, is reported with its line number
/// and skipped.
struct GrantMemberList {
    /// A member number and the line it was on.
    struct Entry: Equatable {
        let line: Int
        let member: MemberNumber
    }

    /// A line that was skipped, and why.
    struct Problem: Equatable, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    /// Files larger than this are a mistake, not a members list (about a million members).
    static let maximumSize = 32 << 20

    var entries: [Entry] = []
    var problems: [Problem] = []

    /// Reads and checks the file at `path`.
    static func read(path: String) throws(LoyaltyError) -> GrantMemberList {
        let data: Data
        do {
            let url = URL(fileURLWithPath: path)
            let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
            guard size <= maximumSize else {
                throw LoyaltyError(.badArgument, "\(path): larger than \(maximumSize) bytes; not a members list")
            }
            data = try Data(contentsOf: url)
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.badArgument, "cannot read members file \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoyaltyError(.badArgument, "\(path): not UTF-8 text")
        }
        return parse(text)
    }

    /// Checks the lines of `text`. The first non-blank line is a header when it holds a letter.
    static func parse(_ text: String) -> GrantMemberList {
        var list = GrantMemberList()
        var seen: [String: Int] = [:]
        var sawFirst = false
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            var field = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            field = field.trimmingCharacters(in: .whitespaces)
            if field.hasPrefix("\""), field.hasSuffix("\""), field.count >= 2 { field = String(field.dropFirst().dropLast()) }
            if number == 1, field.hasPrefix("\u{FEFF}") { field.removeFirst() }
            guard !field.isEmpty || !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            defer { sawFirst = true }
            if !sawFirst, field.contains(where: \.isLetter) { continue }
            do {
                let member = try MemberNumber(parsing: field, argument: "member")
                if let first = seen[member.digits] {
                    list.problems.append(Problem(line: number, reason: "member \(member.digits) repeats line \(first)"))
                    continue
                }
                seen[member.digits] = number
                list.entries.append(Entry(line: number, member: member))
            } catch {
                list.problems.append(Problem(line: number, reason: "'\(field.prefix(24))': \(error.message)"))
            }
        }
        return list
    }
}

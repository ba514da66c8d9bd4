/// Why one row of a member import was refused: its line and a short reason such as
/// `email: not an email address` or `duplicate email in the file (lines 3, 9)`. Reasons name fields,
/// never the values in them.
public struct MemberImportProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The physical line of the file the row starts on.
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

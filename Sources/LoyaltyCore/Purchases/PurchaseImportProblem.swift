/// Why one record of an import file was not imported: its line and a short, stable, human reason
/// such as `no customer id` or `bad date '13/45/2010 8:26'`.
public struct PurchaseImportProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The physical line of the file the record starts on.
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Where the fields of a member import are in one file, found by ``MemberImportMapping/resolve(header:)``.
public struct MemberImportColumns: Sendable, Hashable {
    /// The position of every field the file gives; fields it lacks are absent.
    public let indices: [MemberImportField: Int]
    /// The number of columns in the header.
    public let headerCount: Int

    /// - Precondition: every index is in `0..<headerCount`.
    public init(indices: [MemberImportField: Int], headerCount: Int) {
        precondition(indices.values.allSatisfy { (0..<headerCount).contains($0) }, "column index outside the header")
        self.indices = indices
        self.headerCount = headerCount
    }

    /// The fields found, in the order of ``MemberImportField/allCases``.
    public var fields: [MemberImportField] { MemberImportField.allCases.filter { indices[$0] != nil } }
}

/// Which column of a member import file holds which field.
///
/// Without `--map`, columns are found by their header names (``MemberImportField/headerNames``); the text
/// of `--map` (`email=E-Mail,first-name=Vorname`) names the column of single fields, by their exact header
/// name (ignoring case and surrounding spaces). Columns that are not mapped are ignored.
public struct MemberImportMapping: Sendable, Hashable {
    /// The columns `--map` chose, by field.
    public let explicit: [MemberImportField: String]

    /// The default mapping, with the fields named in `map` (the text of `--map`) overriding it.
    /// - Throws: `BAD_ARGUMENT` for an entry that is not `field=Column`, an unknown or repeated field, an empty
    ///   column name, or one column mapped to two fields.
    public init(map: String? = nil) throws(LoyaltyError) {
        guard let map else {
            explicit = [:]
            return
        }
        guard !map.trimmingASCIIWhitespace().isEmpty else { throw .badArgument("map", "empty mapping") }
        var explicit: [MemberImportField: String] = [:]
        for entry in map.split(separator: ",", omittingEmptySubsequences: false) {
            let shown = String(entry.trimmingASCIIWhitespace().prefix(60))
            guard !shown.isEmpty else { throw .badArgument("map", "empty entry (expected field=Column)") }
            guard let equals = entry.firstIndex(of: "=") else { throw .badArgument("map", "'\(shown)' is not field=Column") }
            let name = entry[..<equals].trimmingASCIIWhitespace().lowercased()
            let column = entry[entry.index(after: equals)...].trimmingASCIIWhitespace()
            guard let field = MemberImportField(rawValue: name) else {
                let known = MemberImportField.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badArgument("map", "unknown field '\(name.prefix(40))' (known: \(known))")
            }
            guard !column.isEmpty else { throw .badArgument("map", "no column name for \(field)") }
            guard explicit[field] == nil else { throw .badArgument("map", "\(field) is mapped twice") }
            if let other = explicit.first(where: { $0.value.lowercased() == column.lowercased() })?.key {
                throw .badArgument("map", "column '\(column.prefix(40))' is mapped to both \(other) and \(field)")
            }
            explicit[field] = column
        }
        self.explicit = explicit
    }

    /// Finds the fields' columns in the header record of a file.
    /// - Throws: `BAD_ARGUMENT` when a column named in `--map` is missing or appears twice, when two columns
    ///   of the header name the same field, when no column names a field, or the header's own problem.
    public func resolve(header: CSVRecord) throws(LoyaltyError) -> MemberImportColumns {
        if let problem = header.problem { throw .badArgument("header", problem) }
        let names = (0..<header.count).map { header.string(at: $0) ?? String(decoding: header[$0], as: UTF8.self) }
        let exact = names.map { $0.trimmingASCIIWhitespace().lowercased() }
        var indices: [MemberImportField: Int] = [:]
        for (field, column) in explicit {
            let matches = exact.indices.filter { exact[$0] == column.lowercased() }
            guard !matches.isEmpty else {
                throw .badArgument("header", "no column '\(column.prefix(40))' (mapped to \(field)); the file has \(Self.list(names))")
            }
            guard matches.count == 1 else {
                throw .badArgument("header", "column '\(column.prefix(40))' appears \(matches.count) times")
            }
            indices[field] = matches[0]
        }
        let taken = Set(indices.values)
        let keys = names.map(MemberImportField.headerKey)
        for field in MemberImportField.allCases where explicit[field] == nil {
            let matches = keys.indices.filter { !taken.contains($0) && field.headerNames.contains(keys[$0]) }
            guard matches.count <= 1 else {
                let shown = matches.map { "'\(names[$0].trimmingASCIIWhitespace().prefix(40))'" }.joined(separator: " and ")
                throw .badArgument("header", "columns \(shown) both give \(field); choose one with --map \(field)=Column")
            }
            if let index = matches.first { indices[field] = index }
        }
        guard !indices.isEmpty else {
            throw .badArgument("header", "no column gives a member field; the file has \(Self.list(names)) (see --map)")
        }
        return MemberImportColumns(indices: indices, headerCount: header.count)
    }

    /// The header names for a message: the first 20, quoted.
    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(20).map { "'\($0.trimmingASCIIWhitespace().prefix(40))'" }.joined(separator: ", ")
        return shown + (names.count > 20 ? " and \(names.count - 20) more" : "")
    }
}

/// One titled table of a report (`By store of first purchase`): printed as a headed block of text, or as a
/// heading and a table of an HTML page.
struct ReportSection: Sendable {
    var title: String
    var columns: [String]
    var rows: [[String]]

    /// The report as text for people: its heading and notes, then each section under its title.
    static func text(heading: String, notes: [String] = [], sections: [ReportSection]) -> String {
        var blocks = [([heading] + notes).joined(separator: "\n")]
        for section in sections {
            blocks.append(section.title + "\n" + TableRenderer.render(columns: section.columns, rows: section.rows))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// Adds the section to a page: an `<h2>` and the table.
    func add(to page: inout HTMLDocument) {
        page.heading(title)
        page.table(columns: columns, rows: rows)
    }
}

/// One self-contained HTML page, built piece by piece: the style is inline (``HTMLStyle``), charts are inline
/// SVG (``SVGChart``), and nothing is fetched (no scripts, fonts, images or links), so the file reads the
/// same when forwarded by email, opened offline or printed.
///
/// Every text given to the builder is escaped; only ``append(markup:)`` takes markup, which the SVG charts
/// build from escaped text themselves.
struct HTMLDocument: Sendable {
    let title: String
    /// A line under the title (`As of 2026-05-31`), also in the window title.
    let subtitle: String?
    private var parts: [String] = []

    init(title: String, subtitle: String? = nil) {
        self.title = title
        self.subtitle = subtitle
    }

    /// A section heading: `<h2>` by default (the page title is the one `<h1>`).
    mutating func heading(_ text: String, level: Int = 2) {
        let level = min(max(level, 2), 6)
        parts.append("<h\(level)>\(Self.escape(text))</h\(level)>")
    }

    /// A paragraph; `note` sets it in the smaller, grey style of remarks and definitions.
    mutating func paragraph(_ text: String, note: Bool = false) {
        parts.append((note ? "<p class=\"note\">" : "<p>") + Self.escape(text) + "</p>")
    }

    /// A table with a header row; numeric cells (`12`, `34.5%`, `-3.10`, `–`) are right-aligned.
    mutating func table(columns: [String], rows: [[String]], caption: String? = nil) {
        var html = ["<table>"]
        if let caption { html.append("<caption>\(Self.escape(caption))</caption>") }
        html.append("<thead><tr>" + columns.map { "<th scope=\"col\">\(Self.escape($0))</th>" }.joined() + "</tr></thead>")
        html.append("<tbody>")
        for row in rows {
            html.append("<tr>" + row.map(Self.cell).joined() + "</tr>")
        }
        if rows.isEmpty { html.append("<tr><td colspan=\"\(max(columns.count, 1))\">(none)</td></tr>") }
        html.append("</tbody></table>")
        parts.append(html.joined(separator: "\n"))
    }

    /// One record: a two-column table of field names and values.
    mutating func fields(_ fields: [(String, String)]) {
        let rows = fields.map { "<tr><th scope=\"row\">\(Self.escape($0.0))</th>\(Self.cell($0.1))</tr>" }
        parts.append((["<table class=\"record\"><tbody>"] + rows + ["</tbody></table>"]).joined(separator: "\n"))
    }

    /// A chart in a figure with a visible caption.
    mutating func figure(svg: String, caption: String) {
        parts.append("<figure>\n\(svg)\n<figcaption>\(Self.escape(caption))</figcaption>\n</figure>")
    }

    /// Markup that is already safe: only SVG built by ``SVGChart`` from escaped text.
    mutating func append(markup: String) {
        parts.append(markup)
    }

    /// The whole page, from `<!DOCTYPE html>` to `</html>`.
    func render() -> String {
        let windowTitle = subtitle.map { "\(title) – \($0)" } ?? title
        var lines = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(Self.escape(windowTitle))</title>",
            "<style>\n\(HTMLStyle.css)\n</style>",
            "</head>",
            "<body>",
            "<h1>\(Self.escape(title))</h1>",
        ]
        if let subtitle { lines.append("<p class=\"subtitle\">\(Self.escape(subtitle))</p>") }
        return (lines + parts + ["</body>", "</html>"]).joined(separator: "\n")
    }

    /// Text made safe for element content and quoted attribute values: `& < > " '` become character
    /// references, and control characters (other than tab and line breaks) become U+FFFD.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func cell(_ text: String) -> String {
        isNumeric(text) ? "<td class=\"num\">\(escape(text))</td>" : "<td>\(escape(text))</td>"
    }

    /// A number (`12`, `-3.10`, `34.5%`) or the missing-value dash; not a month or a day (`2026-05`).
    private static func isNumeric(_ text: String) -> Bool {
        guard text != Ratio.missing else { return true }
        var number = Substring(text)
        if number.first == "-" || number.first == "+" { number = number.dropFirst() }
        if number.last == "%" { number = number.dropLast() }
        return number.contains(where: \.isASCIIDigit) && number.allSatisfy { $0.isASCIIDigit || $0 == "." || $0 == "," }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

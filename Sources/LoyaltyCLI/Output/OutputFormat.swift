import ArgumentParser

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Aligned columns for people.
    case table
    /// One JSON document, for scripts.
    case json
    /// RFC 4180 CSV with a header row (lists; a single record prints as one row).
    case csv
    /// One self-contained HTML file (inline CSS and SVG, nothing fetched): to forward by email or print.
    case html
}

/// The inline style sheet of every HTML page: system fonts only (nothing to download), tables with rules,
/// charts that shrink to the page, and colours kept when printing (`print-color-adjust: exact`).
enum HTMLStyle {
    static let css = """
        * { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
        html { color-scheme: light; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          color: #1a1a1a; background: #fff; max-width: 980px; margin: 24px auto; padding: 0 16px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 2px; border-bottom: 1px solid #bbb; }
        p { margin: 4px 0; }
        p.note { color: #555; font-size: 12px; }
        p.subtitle { color: #444; font-size: 15px; margin-bottom: 16px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
        thead th, table.record th { background: #eef1f5; }
        td.num { text-align: right; white-space: nowrap; }
        figure { margin: 8px 0 20px; break-inside: avoid; page-break-inside: avoid; }
        figcaption { color: #555; font-size: 12px; margin-top: 4px; }
        svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
        svg text { font-size: 11px; }
        svg .small { font-size: 10px; }
        svg .strong { font-weight: 600; }
        @page { margin: 15mm; }
        @media print {
          body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
          h2 { break-after: avoid; page-break-after: avoid; }
          tr { break-inside: avoid; page-break-inside: avoid; }
        }
        """
}

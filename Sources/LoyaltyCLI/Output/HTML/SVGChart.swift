/// Building blocks of the reports' inline SVG charts, in whole pixels: the frame with its accessible
/// `<title>` and `<desc>`, rectangles with tooltips, text, lines, a legend and a value axis. Every text is
/// escaped here, so the charts can be appended to an ``HTMLDocument`` as markup.
enum SVGChart {
    /// The horizontal anchor of a text.
    enum Anchor: String {
        case start, middle, end
    }

    /// The `<svg>` element: `id` names its title and description for `aria-labelledby` (one id per chart
    /// and page); `width` × `height` is the view box, which the style sheet shrinks to the page.
    static func frame(id: String, width: Int, height: Int, title: String, description: String, content: [String]) -> String {
        let head = """
            <svg role="img" viewBox="0 0 \(width) \(height)" width="\(width)" \
            height="\(height)" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(HTMLDocument.escape(title))</title>
            <desc id="\(id)-desc">\(HTMLDocument.escape(description))</desc>
            """
        return ([head] + content + ["</svg>"]).joined(separator: "\n")
    }

    /// A filled rectangle; `tooltip` becomes its `<title>` (shown on hover, read by screen readers).
    static func rect(
        x: Int, y: Int, width: Int, height: Int, fill: String, tooltip: String? = nil, cssClass: String? = nil
    ) -> String {
        let classAttribute = cssClass.map { " class=\"\($0)\"" } ?? ""
        let shape = "<rect\(classAttribute) x=\"\(x)\" y=\"\(y)\" width=\"\(max(width, 0))\" height=\"\(max(height, 0))\" fill=\"\(fill)\""
        guard let tooltip else { return shape + "/>" }
        return shape + "><title>\(HTMLDocument.escape(tooltip))</title></rect>"
    }

    /// A text; `cssClass` is `small` or `strong` from ``HTMLStyle``; `rotated` turns it 90° anticlockwise
    /// about its anchor (a vertical axis label).
    static func text(
        _ text: String, x: Int, y: Int, anchor: Anchor = .start, fill: String = ColourScale.ink, cssClass: String? = nil,
        rotated: Bool = false
    ) -> String {
        let classAttribute = cssClass.map { " class=\"\($0)\"" } ?? ""
        let rotation = rotated ? " transform=\"rotate(-90 \(x) \(y))\"" : ""
        return "<text\(classAttribute) x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(rotation)>"
            + HTMLDocument.escape(text) + "</text>"
    }

    /// A straight line, solid or dashed.
    static func line(x1: Int, y1: Int, x2: Int, y2: Int, stroke: String, width: Int = 1, dashed: Bool = false) -> String {
        let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
        return "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(stroke)\" stroke-width=\"\(width)\"\(dash)/>"
    }

    /// A row of swatches with labels, starting at (`x`, `y`); `itemWidth` is the room for one item.
    static func legend(_ items: [(label: String, fill: String)], x: Int, y: Int, itemWidth: Int = 130) -> [String] {
        items.enumerated().flatMap { index, item in
            let left = x + index * itemWidth
            return [
                rect(x: left, y: y, width: 12, height: 12, fill: item.fill),
                text(item.label, x: left + 17, y: y + 10),
            ]
        }
    }

    /// Grid lines and labels of a vertical value axis from 0 to `maximum` in `steps` equal steps, over the
    /// plot from `left` to `right` and from `bottom` (0) up to `top` (`maximum`).
    static func valueAxis(
        maximum: Int64, steps: Int, left: Int, right: Int, top: Int, bottom: Int, label: (Int64) -> String
    ) -> [String] {
        let steps = max(steps, 1)
        return (0...steps).flatMap { step in
            let value = Ratio.scaledQuotient(maximum, times: Int64(step), over: Int64(steps)) ?? 0
            let y = bottom - (bottom - top) * step / steps
            return [
                line(x1: left, y1: y, x2: right, y2: y, stroke: step == 0 ? ColourScale.axis : ColourScale.grid),
                text(label(value), x: left - 6, y: y + 4, anchor: .end, cssClass: "small"),
            ]
        }
    }

    /// The height in pixels of `value` on an axis of `height` pixels for 0…`maximum`, rounded; 0 for no maximum.
    static func scaled(_ value: Int64, maximum: Int64, height: Int) -> Int {
        guard let pixels = Ratio.scaledQuotient(min(max(value, 0), maximum), times: Int64(height), over: maximum) else { return 0 }
        return Int(pixels)
    }

    /// A count axis for values up to `value`: a round step (1, 2 or 5 times a power of ten) that makes at most
    /// five steps, and the first multiple of it at or above `value` (`5400` → 6000 in 3 steps of 2000).
    static func countAxis(upTo value: Int64) -> (maximum: Int64, steps: Int) {
        let value = max(value, 1)
        let step = niceCeiling(value / 5 + (value % 5 == 0 ? 0 : 1))
        let steps = value / step + (value % step == 0 ? 0 : 1)
        let (maximum, overflow) = step.multipliedReportingOverflow(by: steps)
        return overflow ? (Int64.max, 1) : (maximum, Int(steps))
    }

    /// A round number at or above `value`: 1, 2 or 5 times a power of ten (at least 1).
    static func niceCeiling(_ value: Int64) -> Int64 {
        var power: Int64 = 1
        while true {
            for factor: Int64 in [1, 2, 5] {
                let (candidate, overflow) = factor.multipliedReportingOverflow(by: power)
                if overflow { return Int64.max }
                if candidate >= value { return candidate }
            }
            let (next, overflow) = power.multipliedReportingOverflow(by: 10)
            if overflow { return Int64.max }
            power = next
        }
    }
}

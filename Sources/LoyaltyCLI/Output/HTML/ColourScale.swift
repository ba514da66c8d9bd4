/// The shades of the heat maps and the colours of the chart series, chosen to survive printing: the heat-map
/// scale runs from near white to dark blue (it prints as light to dark grey), and the series differ in
/// lightness as well as hue, so a black-and-white copy still tells them apart.
enum ColourScale {
    /// Bars of a single series (the repeat rate).
    static let bar = "#3b6ea8"
    /// A reference line (the overall rate).
    static let reference = "#b2182b"
    /// Members who bought recently: dark blue.
    static let active = "#1f4e79"
    /// Members who have not bought for a while: orange, of middle lightness.
    static let atRisk = "#e08a1e"
    /// Members who have not bought for a long time: light grey.
    static let lapsed = "#c8c8c8"
    /// Axis lines and grid lines.
    static let axis = "#888888"
    static let grid = "#e3e3e3"
    /// Text on light backgrounds.
    static let ink = "#1a1a1a"

    private static let light: (Int64, Int64, Int64) = (0xF4, 0xF8, 0xFC)
    private static let dark: (Int64, Int64, Int64) = (0x08, 0x30, 0x6B)

    /// The heat-map shade of an intensity from 0 (lightest) to 1000 (darkest), clamped; integer interpolation.
    static func shade(permille: Int64) -> String {
        let t = min(max(permille, 0), 1000)
        func channel(_ from: Int64, _ to: Int64) -> Int64 { from + (to - from) * t / 1000 }
        return hex(channel(light.0, dark.0), channel(light.1, dark.1), channel(light.2, dark.2))
    }

    /// Text that reads on ``shade(permille:)`` of the same intensity: white on the darker half.
    static func text(onPermille permille: Int64) -> String {
        permille > 500 ? "#ffffff" : ink
    }

    /// `value ÷ maximum` in permille, clamped to 0…1000; 0 when the maximum is not positive.
    static func intensity(_ value: Int64, maximum: Int64) -> Int64 {
        min(max(Ratio.scaledQuotient(value, times: 1000, over: maximum) ?? 0, 0), 1000)
    }

    private static func hex(_ red: Int64, _ green: Int64, _ blue: Int64) -> String {
        "#" + [red, green, blue].map { value in
            let digits = String(value, radix: 16)
            return digits.count < 2 ? "0" + digits : digits
        }.joined()
    }
}

import Foundation
import LoyaltyStore
import Testing

@testable import LoyaltyCLI

/// The marketer reports' presentation (table, CSV, JSON, HTML) from hand-built report values: integer rates,
/// self-contained and escaped HTML, one chart per page, the heat map's cells, CSV rows and JSON round trips.
/// No database.
@Suite("Report rendering")
struct ReportRenderingTests {
    // MARK: Fixtures

    static func group(_ name: String, _ customers: Int64, _ repeats: Int64, days: Int64 = 0, toSecond: Int64 = 0) -> RepeatPurchaseGroup {
        RepeatPurchaseGroup(group: name, customers: customers, repeatCustomers: repeats, purchaseDays: days, daysToSecondPurchase: toSecond)
    }

    static let repeatReport = RepeatPurchaseReport(
        asOf: "2026-05-31", overall: group("all", 3, 1, days: 7, toSecond: 12),
        byFirstMonth: [group("2026-03", 3, 2, days: 8, toSecond: 30), group("2026-04", 0, 0), group("2026-05", 8, 1)],
        byStore: [group("<script>alert(1)</script>", 3, 1), group("(none)", 2, 0)], bySource: [group("web & app", 1, 1, days: 2)])

    static let cohortReport = CohortReport(
        asOf: "2026-05-31",
        rows: [
            CohortRow(cohort: "2026-03", customers: 3, active: [3, 1, 2]), CohortRow(cohort: "2026-04", customers: 8, active: [8, 1]),
            CohortRow(cohort: "2026-05", customers: 0, active: [0]),
        ])

    static let rfmReport = RFMReport(
        currency: "EUR", scoredAt: Date(timeIntervalSince1970: 1_780_000_000), population: 3,
        cells: [RFMCell(recency: 5, frequency: 5, members: 2, spend: 1000), RFMCell(recency: 1, frequency: 2, members: 1, spend: -5)],
        segments: [
            RFMSegmentCount(segment: "champions", members: 2, spend: 1000, daysSinceLastPurchase: 5),
            RFMSegmentCount(segment: "<b>lost</b>", members: 1, spend: -5, daysSinceLastPurchase: 200),
        ])

    static let lapseReport = LapseReport(
        rule: "lapsed after 180 days, at risk after 90",
        today: LapseCounts(day: "2026-05-31", customers: 3, active: 1, atRisk: 1, lapsed: 1),
        history: [
            LapseCounts(day: "2026-03-31", customers: 0, active: 0, atRisk: 0, lapsed: 0),
            LapseCounts(day: "2026-04-30", customers: 2, active: 2, atRisk: 0, lapsed: 0),
        ])

    static var pages: [String] {
        [
            RepeatReportView.html(repeatReport), CohortReportView.html(cohortReport), RFMReportView.html(rfmReport),
            LapseReportView.html(lapseReport),
        ]
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    static func lines(_ csv: String) -> [String] {
        csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: Integer rates and averages

    @Test(
        "percentages have one decimal, rounded half up; no customers, no rate",
        arguments: [
            (Int64(1), Int64(3), "33.3%"), (2, 3, "66.7%"), (69, 200, "34.5%"), (1, 8, "12.5%"), (1, 2000, "0.1%"), (1, 2001, "0.0%"),
            (0, 5, "0.0%"), (5, 5, "100.0%"),
        ])
    func percentages(part: Int64, whole: Int64, expected: String) {
        #expect(Ratio.percent(part, of: whole) == expected)
    }

    @Test("a zero or negative whole has no rate, and the views print a dash")
    func noDivisionByZero() {
        #expect(Ratio.percent(1, of: 0) == nil)
        #expect(Ratio.percent(0, of: 0) == nil)
        #expect(Ratio.average(5, over: -1) == nil)
        let row = RepeatReportView.figures(Self.group("2026-04", 0, 0))
        #expect(row == ["0", "0", "–", "–", "–"])
    }

    @Test("averages have one decimal, rounded half away from zero; the extremes do not overflow")
    func averages() {
        #expect(Ratio.average(7, over: 3) == "2.3")
        #expect(Ratio.average(5, over: 2) == "2.5")
        #expect(Ratio.average(1, over: 4) == "0.3")
        #expect(Ratio.average(-1, over: 4) == "-0.3")
        #expect(Ratio.average(0, over: 4) == "0.0")
        #expect(Ratio.scaledQuotient(Int64.max, over: 1) == Int64.max)
        #expect(Ratio.scaledQuotient(Int64.max, times: 10, over: 1) == nil)
        #expect(Ratio.scaledQuotient(Int64.max, times: 1000, over: Int64.max) == 1000)
        #expect(Ratio.scaledQuotient(-7, over: 2) == -4)
    }

    @Test("repeat figures: rate, purchase days per customer and days to a second purchase")
    func repeatFigures() {
        #expect(RepeatReportView.figures(Self.group("all", 3, 1, days: 7, toSecond: 12)) == ["3", "1", "33.3%", "2.3", "12.0"])
        #expect(RepeatReportView.figures(Self.group("2026-03", 3, 2, days: 8, toSecond: 30)) == ["3", "2", "66.7%", "2.7", "15.0"])
    }

    @Test("RFM money in the currency's precision: average spend rounded to minor units")
    func rfmMoney() {
        let euro = RFMReportView.figures(Self.rfmReport, members: 3, spend: 1000)
        #expect(euro == ["3", "100.0%", "10.00", "3.33"])
        var yen = Self.rfmReport
        yen.currency = "JPY"
        #expect(RFMReportView.figures(yen, members: 3, spend: 1000) == ["3", "100.0%", "1000", "333"])
        #expect(RFMReportView.figures(Self.rfmReport, members: 0, spend: 0) == ["0", "0.0%", "0.00", "–"])
    }

    // MARK: Text

    @Test("the repeat table has a heading with the date and the four sections")
    func repeatText() {
        let text = RepeatReportView.text(Self.repeatReport)
        #expect(text.hasPrefix("Repeat purchases as of 2026-05-31"))
        for title in ["Overall", "By month of first purchase", "By store of first purchase", "By acquisition source"] {
            #expect(text.contains("\n\(title)\n"), "\(title)")
        }
        #expect(text.contains("33.3%"))
    }

    @Test("the RFM text grid has frequency 5 on top and the members of each cell")
    func rfmText() {
        let grid = RFMReportView.grid(Self.rfmReport)
        #expect(grid.rows.count == 5)
        #expect(grid.rows.first == ["F5", "0", "0", "0", "0", "2"])
        #expect(grid.rows[3] == ["F2", "1", "0", "0", "0", "0"])
    }

    // MARK: HTML

    @Test("every report page is one self-contained HTML document: nothing fetched, no script")
    func selfContained() {
        for page in Self.pages {
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.hasSuffix("</html>"))
            #expect(Self.count("<html", in: page) == 1)
            for forbidden in ["http", "src=", "<script", "url(", "@import", "<link", "<img", "href="] {
                #expect(!page.lowercased().contains(forbidden), "\(forbidden)")
            }
        }
    }

    @Test("every report page has one SVG chart with an accessible title and a legend or labels")
    func charts() {
        for page in Self.pages {
            #expect(Self.count("<svg", in: page) == 1)
            #expect(Self.count("</svg>", in: page) == 1)
            #expect(page.contains("role=\"img\""))
            #expect(page.range(of: #"<svg[^>]*aria-labelledby="[^"]*-title [^"]*-desc">\n<title id="#, options: .regularExpression) != nil)
        }
    }

    @Test("text from the data is escaped: a store named <script> stays text")
    func escaping() {
        let page = RepeatReportView.html(Self.repeatReport)
        #expect(!page.contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("web &amp; app"))
        let rfm = RFMReportView.html(Self.rfmReport)
        #expect(!rfm.contains("<b>"))
        #expect(rfm.contains("&lt;b&gt;lost&lt;/b&gt;"))
        #expect(HTMLDocument.escape("a\"b'c\u{1}") == "a&quot;b&#39;c\u{FFFD}")
    }

    @Test("the heat map has one cell per cohort and month, with the retention written in it")
    func heatMap() {
        let page = CohortReportView.html(Self.cohortReport)
        #expect(Self.count("class=\"cell\"", in: page) == 6)
        #expect(page.contains(">33.3%</text>"))
        #expect(page.contains(">66.7%</text>"))
        #expect(page.contains(">12.5%</text>"))
        // The darkest shade is the highest retention after month 0 (66.7 %), not month 0's 100 %.
        #expect(CohortHeatMap.darkest(Self.cohortReport) == 667)
    }

    @Test("the RFM grid has 25 cells; the lapse chart a bar part per non-zero status; the repeat chart a bar per month with customers")
    func chartShapes() {
        #expect(Self.count("class=\"cell\"", in: RFMReportView.html(Self.rfmReport)) == 25)
        #expect(Self.count("class=\"bar\"", in: LapseReportView.html(Self.lapseReport)) == 4)
        #expect(Self.count("class=\"bar\"", in: RepeatReportView.html(Self.repeatReport)) == 2)
    }

    @Test("count axes end at a round multiple of a round step, in at most five steps")
    func countAxis() {
        #expect(SVGChart.countAxis(upTo: 5400) == (6000, 3))
        #expect(SVGChart.countAxis(upTo: 100) == (100, 5))
        #expect(SVGChart.countAxis(upTo: 101) == (150, 3))
        #expect(SVGChart.countAxis(upTo: 3) == (3, 3))
        #expect(SVGChart.countAxis(upTo: 0) == (1, 1))
        #expect(SVGChart.scaled(50, maximum: 150, height: 200) == 67)
        #expect(SVGChart.scaled(500, maximum: 150, height: 200) == 200)
        #expect(SVGChart.scaled(1, maximum: 0, height: 200) == 0)
    }

    @Test("lists and records in HTML: a page with the escaped table")
    func listPage() {
        var page = HTMLDocument(title: Output.htmlTitle)
        page.table(columns: ["name", "store"], rows: [["till-1", "<i>x</i>"]])
        let html = page.render()
        #expect(html.contains("<th scope=\"col\">store</th>"))
        #expect(html.contains("<td>&lt;i&gt;x&lt;/i&gt;</td>"))
        #expect(OutputFormat(argument: "html") == .html)
    }

    // MARK: CSV

    @Test("each report's CSV is one table: a header and a line per row")
    func csv() {
        let repeats = Self.lines(RepeatReportView.csv(Self.repeatReport))
        #expect(repeats.first == "section,group,customers,repeat customers,repeat rate,purchase days per customer,avg days to 2nd purchase")
        #expect(repeats.count == 1 + 1 + 3 + 2 + 1)
        #expect(repeats.contains("first month,2026-04,0,0,,,"))
        #expect(repeats.contains("store,<script>alert(1)</script>,3,1,33.3%,0.0,0.0"))

        let cohorts = Self.lines(CohortReportView.csv(Self.cohortReport))
        #expect(cohorts.first == "cohort,customers,months since first purchase,active customers,retention")
        #expect(cohorts.count == 1 + 6)
        #expect(cohorts.contains("2026-03,3,2,2,66.7%"))

        let rfm = Self.lines(RFMReportView.csv(Self.rfmReport))
        #expect(rfm.count == 1 + 2 + 2)
        #expect(rfm.contains("segment,champions,,,2,66.7%,10.00,5.00,2.5"))
        #expect(rfm.contains("cell,,1,2,1,33.3%,-0.05,-0.05,"))

        let lapse = Self.lines(LapseReportView.csv(Self.lapseReport))
        #expect(lapse.count == 1 + 2 + 1)
        #expect(lapse.last == "today,2026-05-31,3,1,1,1,33.3%,33.3%")
        #expect(lapse[1] == "month end,2026-03-31,0,0,0,0,,")
    }

    // MARK: JSON

    @Test("JSON is the report record and decodes back to it")
    func jsonRoundTrip() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        func decoded<T: Decodable>(_ text: String, as type: T.Type) throws -> T { try decoder.decode(type, from: Data(text.utf8)) }
        #expect(try decoded(RepeatReportView.render(Self.repeatReport, format: .json), as: RepeatPurchaseReport.self) == Self.repeatReport)
        #expect(try decoded(CohortReportView.render(Self.cohortReport, format: .json), as: CohortReport.self) == Self.cohortReport)
        #expect(try decoded(RFMReportView.render(Self.rfmReport, format: .json), as: RFMReport.self) == Self.rfmReport)
        #expect(try decoded(LapseReportView.render(Self.lapseReport, format: .json), as: LapseReport.self) == Self.lapseReport)
    }

    @Test("render dispatches on the format", arguments: OutputFormat.allCases)
    func render(format: OutputFormat) throws {
        let text = try LapseReportView.render(Self.lapseReport, format: format)
        switch format {
        case .table: #expect(text.hasPrefix("Lapsed members as of 2026-05-31"))
        case .csv: #expect(text.hasPrefix("section,day,"))
        case .json: #expect(text.hasPrefix("{"))
        case .html: #expect(text.hasPrefix("<!DOCTYPE html>"))
        }
    }
}

import Foundation
import LoyaltyCore
import LoyaltyStore

extension CommandRuntime {
    /// `member show`: the record (profile, tier, points, consent, gift cards) with the overview's fields,
    /// then its sections (recent purchases, open cases, follow-ups due within 7 days). In JSON one object:
    /// the record's keys and one key per section; in CSV the record's row as before.
    func printMemberOverview(_ member: MemberRecord, card: MemberCard?, giftCards: [GiftCardRecord], overview: MemberOverview) throws {
        let fields = memberFields(member, card: card, giftCards: giftCards) + Self.overviewFields(overview)
        let sections = Self.overviewSections(overview)
        switch output.format {
        case .table:
            try output.record(fields, json: overview)
            for section in sections {
                output.write("")
                output.write(section.title)
                output.write(TableRenderer.render(columns: section.columns, rows: section.rows))
            }
        case .html:
            var page = HTMLDocument(title: Output.htmlTitle, subtitle: "\(member.firstName) \(member.lastName) (\(member.number))")
            page.fields(fields)
            for section in sections {
                page.heading(section.title)
                page.table(columns: section.columns, rows: section.rows)
            }
            output.write(page.render())
        case .json:
            try output.record(
                fields, json: MemberOverviewJSON(member: MemberJSON(record: member, card: card, giftCards: giftCards), overview: overview))
        case .csv:
            // The row scripts already read, unchanged; the overview's tables do not fit one row.
            try printMember(member, card: card, giftCards: giftCards)
        }
    }

    static func overviewFields(_ overview: MemberOverview) -> [(String, String)] {
        let counts = overview.interactions
        let byKind = counts.byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var interactions = String(counts.total)
        if counts.total > 0 { interactions += " (\(byKind))" }
        if let last = counts.lastAt { interactions += ", last \(Dates.text(last))" }
        return [
            ("spendable", String(overview.spendable)), ("pending", String(overview.pending)), ("interactions", interactions),
            ("open cases", String(overview.openCases.count)), ("due follow-ups", String(overview.dueFollowups.count)),
        ]
    }

    /// A titled table of the overview.
    struct OverviewSection {
        let title: String
        let columns: [String]
        let rows: [[String]]
    }

    static func overviewSections(_ overview: MemberOverview) -> [OverviewSection] {
        [
            OverviewSection(
                title: "Recent purchases", columns: ["date", "store", "receipt", "amount", "kind"],
                rows: overview.recentPurchases.map {
                    [$0.on, $0.store ?? "", $0.receipt ?? "", "\(GiftCardArguments.money($0.amountMinor, $0.currency)) \($0.currency)", $0.kind]
                }),
            OverviewSection(
                title: "Open complaints and service requests", columns: ["id", "since", "kind", "status", "owner", "summary"],
                rows: overview.openCases.map { [String($0.id), Dates.text($0.at), $0.kind, $0.status, $0.owner, $0.summary] }),
            OverviewSection(
                title: "Follow-ups due within 7 days", columns: ["id", "due", "owner", "title"],
                rows: overview.dueFollowups.map {
                    [String($0.id), $0.dueOn + ($0.overdue ? " (overdue)" : ""), $0.owner, $0.title]
                }),
        ]
    }
}

/// `member show --format json`: the member's record as `MemberJSON` gives it, and the overview's sections
/// (`spendable`, `pending`, `recent_purchases`, `open_cases`, `due_followups`, `interactions`).
struct MemberOverviewJSON: Encodable {
    let member: MemberJSON
    let overview: MemberOverview

    func encode(to encoder: any Encoder) throws {
        try member.encode(to: encoder)
        try overview.encode(to: encoder)
    }
}

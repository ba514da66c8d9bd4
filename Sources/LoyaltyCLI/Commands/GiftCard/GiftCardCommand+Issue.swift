#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

extension GiftCardCommand {
    /// `loyalty giftcard issue --count N [--amount A] --currency C [--expires D] [--pin] [--inactive] [--note T] --out FILE`.
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a batch of gift cards; the codes (and PINs) are written once, to a new 0600 CSV file.",
            discussion: """
                The codes cannot be read back later: they are written to --out (a new file, mode 0600, CSV: \
                code,pin,amount,currency,expires,batch) before the batch is stored, and never printed. Cards are \
                loaded with --amount at once, unless --inactive: then they are printed for sale and a till activates \
                them (with --amount, at that value; without, at the value the till gives). Audited (giftcard.issue).
                """)
        @OptionGroup var options: GlobalOptions
        @Option(parsing: .unconditional, help: "Cards in the batch, 1 to 100000 (required).") var count: String?
        @Option(parsing: .unconditional, help: "Each card's value, decimal (required unless --inactive).") var amount: String?
        @Option(help: "ISO 4217 currency code (required).") var currency: String?
        @Option(help: "The cards' last day, YYYY-MM-DD (programme days); none when not given.") var expires: String?
        @Flag(help: "Give each card a 6-digit PIN.") var pin = false
        @Flag(help: "Print the cards for sale: inactive until a till activates them.") var inactive = false
        @Option(help: "What the batch is for (1 to 200 characters).") var note: String?
        @Option(help: "The new file the codes are written to (required).") var out: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            guard let count else { throw LoyaltyError.missingArgument("--count") }
            guard let currency else { throw LoyaltyError.missingArgument("--currency") }
            guard let out else { throw LoyaltyError.missingArgument("--out") }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw LoyaltyError(.badArgument, "\(out) exists; the codes go to a new file only")
            }
            let cards = try GiftCardArguments.identifier(count, "count")
            let money = try Currency(code: currency)
            let value = try amount.map { text throws(LoyaltyError) in try Money(parsing: text, currency: money).minorUnits }
            if value == 0 { throw LoyaltyError.badArgument("amount", "a card's value must be positive") }
            let last = try expires.map { text throws(LoyaltyError) in try CalendarDate(parsing: text, argument: "expires") }
            if let last, let today = GiftCardArguments.today(timeZone: runtime.settings.rules.timeZone), last < today {
                throw LoyaltyError.badArgument("expires", "\(last) has passed (today is \(today))")
            }
            let batch = try NewGiftCardBatch(
                count: Int(clamping: cards), currency: money, amount: value, expires: last, withPIN: pin, inactive: inactive,
                note: try note.map { text throws(LoyaltyError) in try FieldRules.requiredText(text, field: "note", maximumLength: 200) })
            let issued: IssuedGiftCardBatch
            do {
                issued = try await runtime.withStore(installationKey: true) { store in
                    try await store.issueGiftCards(batch, actor: runtime.actor) { issued in
                        try GiftCardCodesFile.write(issued, batch: batch, to: out)
                    }
                }
            } catch let error as LoyaltyError where error.code == .unavailable || error.code == .internal {
                // The file may hold the only copy of codes that were committed (a lost reply to the commit):
                // never delete it; say how to tell.
                throw LoyaltyError(
                    error.code,
                    "\(error.message); if \(out) was written, check `loyalty giftcard batches`: its codes are valid only if the batch is listed")
            }
            try runtime.output.record(
                [
                    ("batch", String(issued.batch)), ("cards", String(issued.cards.count)), ("currency", money.code),
                    ("amount", value.map { GiftCardArguments.money($0, money.code) } ?? "chosen at activation"),
                    ("expires", last?.description ?? ""), ("pin", pin ? "yes" : "no"), ("state", inactive ? "inactive" : "active"),
                    ("codes", out),
                ],
                json: IssueJSON(
                    batch: issued.batch, cards: issued.cards.count, currency: money.code, amount: value, expires: last?.description,
                    pin: pin, inactive: inactive, file: out))
            runtime.output.message("The codes are only in \(out); they cannot be read back.")
        }
    }
}

/// What `giftcard issue --format json` prints: the batch, never a code.
struct IssueJSON: Encodable {
    let batch: Int64
    let cards: Int
    let currency: String
    let amount: Int64?
    let expires: String?
    let pin: Bool
    let inactive: Bool
    let file: String
}

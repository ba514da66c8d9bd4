import LoyaltyCore
import LoyaltyStore

/// The `--out` file of `giftcard issue`: CSV `code,pin,amount,currency,expires,batch`, one card a line,
/// created new with mode 0600 and synced before the batch is stored (``CodesFile/create(_:text:nothing:)``).
enum GiftCardCodesFile {
    static func write(_ issued: IssuedGiftCardBatch, batch: NewGiftCardBatch, to path: String) throws {
        let amount = batch.amount.map { Money(minorUnits: $0, currency: batch.currency).decimalString } ?? ""
        let tail = ",\(amount),\(batch.currency.code),\(batch.expires?.description ?? ""),\(issued.batch)\n"
        var text = "code,pin,amount,currency,expires,batch\n"
        text.reserveCapacity(text.count + issued.cards.count * (28 + tail.count))
        for card in issued.cards {
            text += card.code.grouped + "," + (card.pin?.digits ?? "") + tail
        }
        try CodesFile.create(path, text: text, nothing: "no card was issued")
    }
}

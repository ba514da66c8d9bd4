import LoyaltyCore
import LoyaltyStore

let admin = Origin.admin(actor: "test")

func eur(_ text: String) throws -> Money {
    try Money(parsing: text, currency: Currency(code: "EUR"))
}

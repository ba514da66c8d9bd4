/// The shape of a refusal that a ledger function stored instead of raising (see `loyalty_refusal` in
/// `sql/migrations/0002_ledger_functions.sql`), so that a retry of the request gets the same error.
struct StoredRefusal: Decodable {
    struct Refusal: Decodable {
        let sqlstate: String
        let message: String
        let constraint: String?
    }

    let refused: Refusal?
}

import PostgresNIO

/// Every gift-card request of a till (`loyalty_gift`), prepared once per pooled connection.
struct GiftStatement: PostgresPreparedStatement {
    static let sql = """
        select loyalty_gift($1::bigint, $2::text, $3::text, $4::text, $5::bytea, $6::bytea, $7::bigint, $8::text,
                            $9::boolean, $10::bigint, $11::text, $12::text, $13::text, $14::jsonb, $15::text)::text
        """
    typealias Row = String

    var terminal: Int64
    var request: String?
    var verb: String
    var fingerprint: String?
    var codeHash: ByteBuffer
    var pinHash: ByteBuffer?
    var amountMinor: Int64?
    var currency: String?
    var partial: Bool
    var holdID: Int64?
    var receipt: String?
    var memberKind: String?
    var memberValue: String?
    var rules: String
    var timeZone: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 15)
        bindings.append(terminal)
        bindings.append(request)
        bindings.append(verb)
        bindings.append(fingerprint)
        bindings.append(codeHash)
        bindings.append(pinHash)
        bindings.append(amountMinor)
        bindings.append(currency)
        bindings.append(partial)
        bindings.append(holdID)
        bindings.append(receipt)
        bindings.append(memberKind)
        bindings.append(memberValue)
        bindings.append(rules)
        bindings.append(timeZone)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

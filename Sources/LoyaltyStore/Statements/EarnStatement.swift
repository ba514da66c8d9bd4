import PostgresNIO

/// EARN as a statement prepared once per pooled connection: the till's most frequent request is then
/// neither parsed nor planned again (an unnamed statement is planned at every call).
struct EarnStatement: PostgresPreparedStatement {
    static let sql = """
        select loyalty_with_items(loyalty_earn($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bigint,
                                               $8::bigint, $9::text, $10::text, $11::text, $12::jsonb))::text
        """
    typealias Row = String

    var terminal: Int64?
    var request: String?
    var fingerprint: String?
    var admin: String?
    var memberKind: String
    var memberValue: String
    var points: Int64
    var amountMinor: Int64?
    var currency: String?
    var receipt: String?
    var reason: String?
    var rules: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 12)
        bindings.append(terminal)
        bindings.append(request)
        bindings.append(fingerprint)
        bindings.append(admin)
        bindings.append(memberKind)
        bindings.append(memberValue)
        bindings.append(points)
        bindings.append(amountMinor)
        bindings.append(currency)
        bindings.append(receipt)
        bindings.append(reason)
        bindings.append(rules)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

import PostgresNIO

/// REDEEM (and an administrator's negative adjustment), prepared once per pooled connection.
struct SpendStatement: PostgresPreparedStatement {
    static let sql = """
        select loyalty_spend($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bigint, $8::text,
                             $9::text, $10::text)::text
        """
    typealias Row = String

    var terminal: Int64?
    var request: String?
    var fingerprint: String?
    var admin: String?
    var memberKind: String
    var memberValue: String
    var points: Int64
    var receipt: String?
    var reason: String?
    var entryKind: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(terminal)
        bindings.append(request)
        bindings.append(fingerprint)
        bindings.append(admin)
        bindings.append(memberKind)
        bindings.append(memberValue)
        bindings.append(points)
        bindings.append(receipt)
        bindings.append(reason)
        bindings.append(entryKind)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

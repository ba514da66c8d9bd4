import PostgresNIO

/// MEMBER and BALANCE: the till's view of a member, prepared once per pooled connection.
struct MemberCardStatement: PostgresPreparedStatement {
    static let sql = """
        select number, first_name, last_name, status, points, pending, spendable, since::text, tier, next_tier, to_next
          from loyalty_member_card($1::bigint, $2::text, $3::text, $4::jsonb)
        """
    typealias Row = (String, String, String, String, Int64, Int64, Int64, String, String?, String?, Int64?)

    var terminal: Int64?
    var memberKind: String
    var memberValue: String
    var rules: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(terminal)
        bindings.append(memberKind)
        bindings.append(memberValue)
        bindings.append(rules)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

import Logging
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Makes sure the load generator's members, terminals and gift cards exist, adding only what is
    /// missing, in one transaction of a handful of set-based statements (never one per row).
    ///
    /// - Members `bench-N` (external id) are enrolled with a card number from the programme's sequence,
    ///   a point account and `startingPoints` points (an `adjust` entry, reason `bench seed`).
    /// - Terminals `bench-N` (store `bench`) get the secret ``InstallationKey/benchTerminalSecret(_:)``;
    ///   one with another secret, or revoked, is given it again and made active.
    /// - Gift cards ``InstallationKey/benchGiftCardCode(_:)`` are issued active (EUR) in one batch.
    ///
    /// Writes one `bench.seed` audit row when it changed anything (plus the rows of the terminal and
    /// gift card functions it uses); seeding twice changes nothing the second time.
    public func seedBench(_ request: BenchSeedRequest, actor: String) async throws(LoyaltyError) -> BenchSeed {
        guard request.members >= 0, request.members <= 10_000_000 else {
            throw .badArgument("members", "must be from 0 to 10000000")
        }
        guard request.terminals >= 1, request.terminals <= 100_000 else {
            throw .badArgument("terminals", "must be from 1 to 100000")
        }
        guard request.giftCards >= 0, request.giftCards <= 100_000 else {
            throw .badArgument("gift cards", "must be from 0 to 100000")
        }
        let key = try requireKey()
        let terminals = (1...request.terminals).map { index in
            let name = "bench-\(index)"
            return BenchSeed.Terminal(name: name, secret: key.benchTerminalSecret(name))
        }
        let terminalNames = terminals.map(\.name)
        let secretHashes = terminals.map { TerminalSecret.hash($0.secret).hexEncoded }
        let codes = request.giftCards == 0 ? [] : (1...request.giftCards).map { key.benchGiftCardCode($0) }
        let codeHashes = codes.map { key.giftCardCodeHash($0).hexEncoded }
        let members = request.members
        return try await run {
            try await client.withTransaction(logger: logger) { connection in
                // Two seedings at once would both find a member missing; the second waits here instead.
                try await connection.query("select pg_advisory_xact_lock(hashtext('loyalty bench seed'))", logger: logger)
                let (membersAdded, numbers) = try await Self.seedBenchMembers(
                    members, startingPoints: request.startingPoints, actor: actor, connection: connection, logger: logger)

                var terminalsChanged = 0
                let changed = try await connection.query(
                    """
                    with wanted as (
                        select name, decode(hash, 'hex') as hash from unnest(\(terminalNames)::text[], \(secretHashes)::text[]) as w (name, hash)
                    ), changed as (
                        insert into terminals (name, store_code, secret_hash)
                        select name, 'bench', hash from wanted
                        on conflict (name) do update set secret_hash = excluded.secret_hash, status = 'active', revoked_at = null
                         where terminals.secret_hash <> excluded.secret_hash or terminals.status <> 'active'
                        returning name, (xmax = 0) as inserted
                    ), audit as (
                        insert into audit_log (actor, action, subject, details)
                        select \(actor), case when inserted then 'terminal.add' else 'terminal.rotate' end, name,
                               jsonb_build_object('store', 'bench', 'by', 'bench seed')
                          from changed
                    )
                    select count(*)::int from changed
                    """,
                    logger: logger)
                for try await count in changed.decode(Int.self) { terminalsChanged = count }

                var existing = Set<String>()
                if !codeHashes.isEmpty {
                    let found = try await connection.query(
                        """
                        select encode(code_hash, 'hex') from gift_cards
                         where code_hash in (select decode(h, 'hex') from unnest(\(codeHashes)::text[]) as h)
                        """,
                        logger: logger)
                    for try await hash in found.decode(String.self) { existing.insert(hash) }
                }
                let missing = codes.indices.filter { !existing.contains(codeHashes[$0]) }
                if !missing.isEmpty {
                    let hashes = missing.map { codeHashes[$0] }
                    let last4s = missing.map { codes[$0].last4 }
                    try await connection.query(
                        """
                        select loyalty_issue_gift_cards(\(actor), 'EUR', 2, \(request.giftCardValue)::bigint, null::date, true,
                                                        'bench seed'::text, \(hashes)::text[], \(last4s)::text[], null::text[])
                        """,
                        logger: logger)
                }
                if membersAdded > 0 || terminalsChanged > 0 || !missing.isEmpty {
                    try await connection.query(
                        """
                        insert into audit_log (actor, action, subject, details)
                        values (\(actor), 'bench.seed', 'bench',
                                jsonb_build_object('members_added', \(membersAdded)::int, 'terminals_changed', \(terminalsChanged)::int,
                                                   'gift_cards_added', \(missing.count)::int))
                        """,
                        logger: logger)
                }
                return BenchSeed(
                    memberNumbers: numbers, terminals: terminals, giftCards: codes, membersAdded: membersAdded,
                    terminalsChanged: terminalsChanged, giftCardsAdded: missing.count)
            }
        }
    }

    /// Members `bench-1` … `bench-<members>`: adds the missing ones (with their accounts and starting
    /// points) and returns how many were added and the card numbers of all that are active.
    private static func seedBenchMembers(
        _ members: Int, startingPoints: Int64, actor: String, connection: PostgresConnection, logger: Logger
    ) async throws -> (Int, [String]) {
        var membersAdded = 0
        var numbers: [String] = []
        guard members > 0 else { return (0, []) }
        let added = try await connection.query(
            """
            with wanted as (
                select n, 'bench-' || n as external_id from generate_series(1, \(members)::int) as n
            ), added as (
                insert into members (number, first_name, last_name, external_id, source_channel, tags)
                select loyalty_next_member_number(), 'Bench', 'Member ' || w.n, w.external_id, 'bench', '{bench}'
                  from wanted w
                 where not exists (select 1 from members m where m.external_id = w.external_id)
                 order by w.n
                returning id
            ), accounts as (
                insert into point_accounts (member_id) select id from added returning member_id
            )
            select count(*)::int from accounts
            """,
            logger: logger)
        for try await count in added.decode(Int.self) { membersAdded = count }
        if membersAdded > 0 {
            // The members this transaction created: their created_at is the transaction's now().
            // (A separate statement: the ledger trigger must see the accounts inserted above.)
            try await connection.query(
                """
                insert into point_entries (member_id, kind, points, admin_actor, reason)
                select m.id, 'adjust', \(startingPoints), \(actor), 'bench seed'
                  from members m
                 where m.created_at = now() and m.external_id like 'bench-%' and m.source_channel = 'bench'
                 order by m.id
                """,
                logger: logger)
        }
        numbers.reserveCapacity(members)
        let rows = try await connection.query(
            """
            select m.number from generate_series(1, \(members)::int) as n
              join members m on m.external_id = 'bench-' || n
             where m.status = 'active'
             order by n
            """,
            logger: logger)
        for try await number in rows.decode(String.self) { numbers.append(number) }
        return (membersAdded, numbers)
    }
}

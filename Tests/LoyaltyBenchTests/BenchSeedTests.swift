import LoyaltyBench
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `seedBench`: set-based, idempotent, and its credentials and codes work.
@Suite("Bench seeding (PostgreSQL)", .timeLimit(.minutes(6)))
struct BenchSeedTests {
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from members where external_id like 'bench-%'"),
            try await db.scalar("select coalesce(sum(hashtext(number || external_id)), 0)::int8 from members"),
            try await db.scalar("select count(*)::int8 from point_entries"),
            try await db.scalar("select count(*)::int8 from terminals where status = 'active'"),
            try await db.scalar("select coalesce(sum(hashtext(encode(secret_hash, 'hex'))), 0)::int8 from terminals"),
            try await db.scalar("select count(*)::int8 from gift_cards"),
            try await db.scalar("select count(*)::int8 from gift_card_activities"),
            try await db.scalar("select count(*)::int8 from audit_log"),
        ]
    }

    @Test("seeding twice leaves the same members, terminals and cards; the second run changes nothing")
    func idempotent() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let request = BenchSeedRequest(members: 120, terminals: 3, giftCards: 20)
            let first = try await store.seedBench(request, actor: "bench")
            #expect(first.membersAdded == 120 && first.terminalsChanged == 3 && first.giftCardsAdded == 20)
            #expect(first.memberNumbers.count == 120 && Set(first.memberNumbers).count == 120)
            #expect(first.memberNumbers.allSatisfy { (try? MemberNumber(parsing: $0)) != nil })
            #expect(try await db.scalar("select count(*)::int8 from point_accounts where balance = 10000") == 120)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'bench.seed'") == 1)
            let before = try await snapshot(db)

            let second = try await store.seedBench(request, actor: "bench")
            #expect(second.membersAdded == 0 && second.terminalsChanged == 0 && second.giftCardsAdded == 0)
            #expect(second.memberNumbers == first.memberNumbers && second.terminals == first.terminals && second.giftCards == first.giftCards)
            #expect(try await snapshot(db) == before)

            // Fewer members names a prefix of the same ones; more adds only the missing.
            let fewer = try await store.seedBench(BenchSeedRequest(members: 50, terminals: 3, giftCards: 20), actor: "bench")
            #expect(fewer.memberNumbers == Array(first.memberNumbers.prefix(50)) && fewer.membersAdded == 0)
            let more = try await store.seedBench(BenchSeedRequest(members: 130, terminals: 3, giftCards: 20), actor: "bench")
            #expect(more.membersAdded == 10 && Array(more.memberNumbers.prefix(120)) == first.memberNumbers)
            #expect(try await db.scalar("select count(*)::int8 from point_accounts where balance = 10000") == 130)
        }
    }

    @Test("the bench's terminals authenticate, a revoked or re-keyed one is given its secret again, and the cards are found by code")
    func credentialsWork() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let seed = try await store.seedBench(BenchSeedRequest(members: 3, terminals: 2, giftCards: 4), actor: "bench")
            for terminal in seed.terminals {
                let record = try await store.authenticate(terminal: terminal.name, secret: terminal.secret)
                #expect(record.storeCode == "bench")
            }
            _ = try await store.revokeTerminal(name: "bench-1", actor: "admin")
            try await db.client.query("update terminals set secret_hash = sha256('other'::bytea) where name = 'bench-2'", logger: db.logger)
            await expectError(.authFailed) { _ = try await store.authenticate(terminal: "bench-1", secret: seed.terminals[0].secret) }
            let again = try await store.seedBench(BenchSeedRequest(members: 3, terminals: 2, giftCards: 4), actor: "bench")
            #expect(again.terminalsChanged == 2)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'terminal.rotate'") == 2)
            for terminal in again.terminals { _ = try await store.authenticate(terminal: terminal.name, secret: terminal.secret) }

            let (till, _) = try await store.addTerminal(name: "till-1", storeCode: "s1", actor: "t")
            for code in seed.giftCards {
                let balance = try await store.giftCardBalance(code, pin: nil, terminal: till.id)
                #expect(balance.state == "active" && balance.balance == 10_000_000_000 && balance.currency == "EUR")
            }
        }
    }

    @Test("bad seeding requests are refused before anything is written")
    func refusals() async throws {
        try await withTestDatabase { db in
            let before = try await snapshot(db)
            await expectError(.badArgument) {
                _ = try await db.store.seedBench(BenchSeedRequest(members: -1, terminals: 2, giftCards: 0), actor: "bench")
            }
            await expectError(.badArgument) {
                _ = try await db.store.seedBench(BenchSeedRequest(members: 1, terminals: 0, giftCards: 0), actor: "bench")
            }
            let keyless = LoyaltyStore(client: db.client, logger: db.logger)
            await expectError(.configuration) {
                _ = try await keyless.seedBench(BenchSeedRequest(members: 1, terminals: 1, giftCards: 0), actor: "bench")
            }
            #expect(try await snapshot(db) == before)
        }
    }
}

/// Expects `body` to throw a ``LoyaltyError`` with `code`.
func expectError(_ code: LoyaltyError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LoyaltyError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

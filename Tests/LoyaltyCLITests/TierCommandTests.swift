import Foundation
import LoyaltyTesting
import Testing

/// `loyalty tier ...`, the tier in `member show` and the itemised `points earn`, against a test database
/// given by URL, run as a separate process.
@Suite("Tier commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct TierCommandTests {
    /// `config/tiers.example.json`, found from this file (Tests/LoyaltyCLITests/TierCommandTests.swift).
    static let exampleTiers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/tiers.example.json").path

    func loyalty(_ db: TestDatabase, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    func loyalty(_ db: TestDatabase, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await loyalty(db, arguments)
    }

    /// Seeds the example tiers and returns the number of a new member.
    func seededMember(_ db: TestDatabase) async throws -> String {
        let seeded = try await loyalty(db, "tier", "seed", Self.exampleTiers)
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let added = try await loyalty(db, "member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--format", "json")
        #expect(added.status == 0, "\(added.stderr)")
        return try #require(try added.jsonObject()["number"] as? String)
    }

    /// What a refused command must leave as it was: the audit log, the tiers, members' tiers and their history.
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(t::text)), 0)::int8 from tiers t"),
            try await db.scalar("select coalesce(sum(hashtext(m::text)), 0)::int8 from member_tiers m"),
            try await db.scalar("select count(*)::int8 from tier_changes"),
        ]
    }

    func jsonList(_ outcome: LoyaltyProcess.Outcome) throws -> [[String: Any]] {
        try #require(try outcome.json() as? [[String: Any]], "\(outcome.stdout)")
    }

    @Test("seed from config/tiers.example.json; list as table, JSON and CSV; seeding again updates in place")
    func seedAndList() async throws {
        try await withTestDatabase { db in
            let seeded = try await loyalty(db, "tier", "seed", Self.exampleTiers, "--format", "json")
            #expect(seeded.status == 0, "\(seeded.stderr)")
            #expect(try jsonList(seeded).count == 4)

            let list = try await loyalty(db, "tier", "list", "--format", "json")
            #expect(list.status == 0, "\(list.stderr)")
            let tiers = try jsonList(list)
            #expect(tiers.map { $0["code"] as? String } == ["member", "silver", "gold", "platinum"])
            #expect(tiers.map { $0["rank"] as? Int } == [0, 1, 2, 3])
            #expect(tiers.map { $0["threshold"] as? Int } == [0, 1000, 3000, 10000])
            #expect(tiers.map { $0["multiplier"] as? String } == ["1", "1.25", "1.5", "2"])
            #expect(tiers.map { $0["multiplier_percent"] as? Int } == [100, 125, 150, 200])
            #expect(tiers.allSatisfy { !(($0["benefits"] as? String) ?? "").isEmpty })

            let table = try await loyalty(db, "tier", "list")
            #expect(table.stdout.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true)
                == ["code", "name", "rank", "threshold", "multiplier", "benefits"])
            #expect(table.stdout.contains("1.25x"))
            let csv = try await loyalty(db, "tier", "list", "--format", "csv")
            #expect(csv.stdout.split(separator: "\n").first == "code,name,rank,threshold,multiplier,benefits")
            #expect(csv.stdout.contains("\ngold,Gold,2,3000,1.5x,"))

            let again = try await loyalty(db, "tier", "seed", Self.exampleTiers)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from tiers") == 4)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'tier.seed' and actor = 'alice'") == 2)
        }
    }

    @Test("add, update and remove a tier, each audited; a tier a member holds cannot be removed")
    func addUpdateRemove() async throws {
        try await withTestDatabase { db in
            let number = try await seededMember(db)
            let added = try await loyalty(
                db, "tier", "add", "diamond", "--name", "Diamond", "--rank", "4", "--threshold", "50000", "--multiplier", "2.5",
                "--benefits", "Everything.", "--format", "json")
            #expect(added.status == 0, "\(added.stderr)")
            let tier = try added.jsonObject()
            #expect(tier["code"] as? String == "diamond")
            #expect(tier["multiplier_percent"] as? Int == 250)

            let updated = try await loyalty(
                db, "tier", "update", "diamond", "--threshold", "40000", "--multiplier", "3", "--benefits", "", "--format", "json")
            #expect(updated.status == 0, "\(updated.stderr)")
            let changed = try updated.jsonObject()
            #expect(changed["threshold"] as? Int == 40000)
            #expect(changed["multiplier"] as? String == "3")
            #expect(changed["benefits"] as? String == "")
            #expect(changed["name"] as? String == "Diamond")
            #expect(changed["rank"] as? Int == 4)

            let removed = try await loyalty(db, "tier", "remove", "diamond")
            #expect(removed.status == 0, "\(removed.stderr)")
            let codes = try jsonList(try await loyalty(db, "tier", "list", "--format", "json")).map { $0["code"] as? String }
            #expect(codes == ["member", "silver", "gold", "platinum"])
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log
                     where actor = 'alice' and subject = 'diamond' and action in ('tier.add', 'tier.update', 'tier.remove')
                    """) == 3)

            let set = try await loyalty(db, "tier", "set", number, "gold", "--reason", "press")
            #expect(set.status == 0, "\(set.stderr)")
            let before = try await snapshot(db)
            let refused = try await loyalty(db, "tier", "remove", "gold")
            #expect(refused.status != 0)
            #expect(refused.stderr.split(separator: "\n").count == 1, "stderr: \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("Error: BAD_ARGUMENT: tier gold is held by members"))
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("set a member's tier by hand: member show has it, tier history names the reason, the audit log the actor")
    func setByHand() async throws {
        try await withTestDatabase { db in
            let number = try await seededMember(db)
            let shownBefore = try await loyalty(db, "member", "show", number, "--format", "json")
            let before = try shownBefore.jsonObject()
            #expect(before["tier"] as? String == "member")
            #expect(before["next_tier"] as? String == "silver")
            #expect(before["to_next"] as? Int == 1000)

            let year = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
            let until = "\(year)-06-30"
            let set = try await loyalty(
                db, "tier", "set", number, "gold", "--reason", "Compensation for the lost order", "--until", until, "--format", "json")
            #expect(set.status == 0, "\(set.stderr)")
            let assignment = try set.jsonObject()
            #expect(assignment["member"] as? String == number)
            #expect(assignment["tier"] as? String == "gold")
            #expect(assignment["until"] as? String == until)

            let shown = try await loyalty(db, "member", "show", number, "--format", "json")
            #expect(shown.status == 0, "\(shown.stderr)")
            let member = try shown.jsonObject()
            #expect(member["number"] as? String == number)
            #expect(member["first_name"] as? String == "Ada")
            #expect(member["tier"] as? String == "gold")
            #expect(member["next_tier"] as? String == "platinum")
            #expect(member["to_next"] as? Int == 10000)
            let table = try await loyalty(db, "member", "show", number)
            #expect(table.stdout.contains("Ada Lovelace"))
            #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("tier ") && $0.hasSuffix(" gold") })
            #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("next tier ") && $0.hasSuffix(" platinum, 10000 points to go") })

            let history = try await loyalty(db, "tier", "history", number, "--format", "json")
            #expect(history.status == 0, "\(history.stderr)")
            let changes = try jsonList(history)
            #expect(changes.count == 1)
            #expect(changes.first?["from"] as? String == "member")
            #expect(changes.first?["to"] as? String == "gold")
            #expect(changes.first?["reason"] as? String == "manual")
            #expect(changes.first?["note"] as? String == "Compensation for the lost order")
            #expect(changes.first?["actor"] as? String == "alice")
            let csv = try await loyalty(db, "tier", "history", number, "--format", "csv")
            #expect(csv.stdout.split(separator: "\n").first == "at,from,to,reason,note,actor,entry")

            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log
                     where action = 'tier.set' and actor = 'alice' and subject = \(number)
                       and details->>'tier' = 'gold' and details->>'until' = \(until)
                    """) == 1)
            #expect(try await db.scalar("select count(*)::int8 from member_tiers where manual_until is not null") == 1)
        }
    }

    @Test("bad input: a clear one-line error, a non-zero status, and nothing written", arguments: [
        (["tier", "add", "Gold!", "--name", "Gold", "--rank", "5", "--threshold", "10"], "BAD_ARGUMENT"),
        (["tier", "add", "bronze", "--name", "Bronze", "--rank", "5", "--threshold", "10", "--multiplier", "0.5"], "BAD_ARGUMENT"),
        (["tier", "add", "bronze", "--name", "Bronze", "--rank", "5", "--threshold", "10", "--multiplier", "1.234"], "BAD_ARGUMENT"),
        (["tier", "add", "bronze", "--name", "Bronze", "--rank", "-1", "--threshold", "10"], "BAD_ARGUMENT"),
        (["tier", "add", "bronze", "--name", "Bronze", "--rank", "5", "--threshold", "-10"], "BAD_ARGUMENT"),
        (["tier", "add", "bronze", "--rank", "5", "--threshold", "10"], "MISSING_ARGUMENT"),
        (["tier", "add", "bronze", "--name", "Bronze", "--rank", "2", "--threshold", "10"], "ALREADY_EXISTS"),
        (["tier", "update", "gold", "--multiplier", "0.5"], "BAD_ARGUMENT"),
        (["tier", "update", "gold", "--rank", "-1"], "BAD_ARGUMENT"),
        (["tier", "update", "diamond", "--name", "Diamond"], "NOT_FOUND"),
        (["tier", "remove", "diamond"], "NOT_FOUND"),
        (["tier", "set", "MEMBER", "gold"], "MISSING_ARGUMENT"),
        (["tier", "set", "MEMBER", "gold", "--reason", " "], "BAD_ARGUMENT"),
        (["tier", "set", "MEMBER", "diamond", "--reason", "press"], "NOT_FOUND"),
        (["tier", "set", "MEMBER", "Gold", "--reason", "press"], "BAD_ARGUMENT"),
        (["tier", "set", "MEMBER", "gold", "--reason", "press", "--until", "2020-01-01"], "BAD_ARGUMENT"),
        (["tier", "set", "MEMBER", "gold", "--reason", "press", "--until", "2030-02-30"], "BAD_ARGUMENT"),
        (["tier", "set", "0000000000", "gold", "--reason", "press"], "NOT_FOUND"),
        (["tier", "history", "0001000008"], "BAD_ARGUMENT"),
    ])
    func badInput(arguments: [String], code: String) async throws {
        try await withTestDatabase { db in
            let number = try await seededMember(db)
            let before = try await snapshot(db)
            let outcome = try await loyalty(db, arguments.map { $0 == "MEMBER" ? number : $0 })
            #expect(outcome.status != 0)
            #expect(outcome.stderr.split(separator: "\n").count == 1, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("Error: \(code): "), "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("seed: numbers and strings as multipliers, read exactly; one bad entry refuses the whole file, naming it")
    func seedFiles() async throws {
        try await withTestDatabase { db in
            try await withTemporaryDirectory { directory in
                func write(_ name: String, _ text: String) throws -> String {
                    let path = directory + "/" + name
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                    return path
                }
                let refusals = [
                    ("bad-multiplier.json",
                     #"[{"code":"a","name":"A","rank":0,"threshold":0},{"code":"b","name":"B","rank":1,"threshold":5},"#
                        + #"{"code":"bronze","name":"Bronze","rank":2,"threshold":9,"multiplier":0.5}]"#,
                     "Error: BAD_ARGUMENT: ", "entry 3 (bronze): multiplier"),
                    ("too-precise.json", #"[{"code":"a","name":"A","rank":0,"threshold":0,"multiplier":1.234}]"#,
                     "Error: BAD_ARGUMENT: ", "entry 1 (a): multiplier"),
                    ("negative-rank.json", #"[{"code":"a","name":"A","rank":-1,"threshold":0}]"#, "Error: BAD_ARGUMENT: ", "entry 1 (a): rank"),
                    ("bad-code.json", #"[{"code":"A B","name":"A","rank":0,"threshold":0}]"#, "Error: BAD_ARGUMENT: ", "entry 1: tier"),
                    ("no-name.json", #"[{"code":"a","rank":0,"threshold":0}]"#, "Error: BAD_ARGUMENT: ", "entry 1 (a): missing name"),
                    ("same-rank.json", #"[{"code":"a","name":"A","rank":0,"threshold":0},{"code":"b","name":"B","rank":0,"threshold":1}]"#,
                     "Error: BAD_ARGUMENT: ", "entry 2 (b): rank 0 repeats entry 1"),
                    ("wrong-type.json", #"[{"code":"a","name":7,"rank":0,"threshold":0}]"#, "Error: CONFIGURATION: ", "entry 1: name"),
                    ("not-a-list.json", #"{"code":"a"}"#, "Error: CONFIGURATION: ", "array"),
                    ("broken.json", #"[{"code":"a""#, "Error: CONFIGURATION: ", "JSON"),
                    ("empty.json", "[]", "Error: CONFIGURATION: ", "no tiers"),
                ]
                for (name, text, prefix, detail) in refusals {
                    let path = try write(name, text)
                    let outcome = try await loyalty(db, "tier", "seed", path)
                    #expect(outcome.status != 0, "\(name)")
                    #expect(outcome.stderr.split(separator: "\n").count == 1, "\(name): \(outcome.stderr)")
                    #expect(outcome.stderr.hasPrefix(prefix), "\(name): \(outcome.stderr)")
                    #expect(outcome.stderr.contains(detail), "\(name): \(outcome.stderr)")
                }
                let missing = try await loyalty(db, "tier", "seed", directory + "/missing.json")
                #expect(missing.stderr.hasPrefix("Error: CONFIGURATION: cannot read tiers file"), "\(missing.stderr)")
                #expect(try await db.scalar("select count(*)::int8 from tiers") == 0)
                #expect(try await db.scalar("select count(*)::int8 from audit_log") == 0)

                // 1.15 is 114.99999999999999 % in floating point; read as a decimal it is 115 %.
                let path = try write(
                    "mixed.json",
                    #"[{"code":"a","name":"A","rank":0,"threshold":0},{"code":"b","name":"B","rank":1,"threshold":"500","multiplier":1.15},"#
                        + #"{"code":"c","name":"C","rank":2,"threshold":900,"multiplier":"1.5","benefits":"More."}]"#)
                let seeded = try await loyalty(db, "tier", "seed", path, "--format", "json")
                #expect(seeded.status == 0, "\(seeded.stderr)")
                let tiers = try jsonList(seeded)
                #expect(tiers.map { $0["multiplier_percent"] as? Int } == [100, 115, 150])
                #expect(tiers.map { $0["threshold"] as? Int } == [0, 500, 900])
                #expect(tiers.map { $0["benefits"] as? String } == ["", "", "More."])
            }
        }
    }

    @Test("points earn with tiers: base and tier bonus itemised; crossing a threshold moves the member up at once")
    func earnWithTiers() async throws {
        try await withTestDatabase { db in
            let number = try await seededMember(db)
            let first = try await loyalty(db, "points", "earn", number, "--amount", "400.00", "--currency", "EUR", "--format", "json")
            #expect(first.status == 0, "\(first.stderr)")
            let base = try first.jsonObject()
            #expect(base["base"] as? Int == 400)
            #expect(base["tier_bonus"] as? Int == 0)
            #expect(base["tier"] as? String == "member")
            #expect(base["next_tier"] as? String == "silver")
            #expect(base["to_next"] as? Int == 600)

            let crossing = try await loyalty(db, "points", "earn", number, "--amount", "1000.00", "--currency", "EUR", "--format", "json")
            #expect(crossing.status == 0, "\(crossing.stderr)")
            let upgraded = try crossing.jsonObject()
            #expect(upgraded["earned"] as? Int == 1000)
            #expect(upgraded["base"] as? Int == 1000)
            #expect(upgraded["tier_bonus"] as? Int == 0)  // the earn that crosses is still at the old tier's rate
            #expect(upgraded["tier"] as? String == "silver")
            #expect(upgraded["next_tier"] as? String == "gold")
            #expect(upgraded["to_next"] as? Int == 1600)
            let entry = try #require(upgraded["entry"] as? Int)

            let later = try await loyalty(db, "points", "earn", number, "--amount", "99.99", "--currency", "EUR", "--format", "json")
            #expect(later.status == 0, "\(later.stderr)")
            let bonus = try later.jsonObject()
            #expect(bonus["base"] as? Int == 99)
            #expect(bonus["tier_bonus"] as? Int == 24)  // floor(99 × 0.25)
            #expect(bonus["earned"] as? Int == 123)
            #expect(bonus["points"] as? Int == 1523)
            #expect(bonus["tier"] as? String == "silver")

            let table = try await loyalty(db, "points", "earn", number, "--amount", "10.00", "--currency", "EUR")
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("tier bonus ") && $0.hasSuffix(" 2") })
            #expect(lines.contains { $0.hasPrefix("tier ") && $0.hasSuffix(" silver") })

            let explicit = try await loyalty(db, "points", "earn", number, "--points", "5", "--format", "json")
            let plain = try explicit.jsonObject()
            #expect(plain["base"] == nil)
            #expect(plain["tier_bonus"] == nil)
            #expect(plain["tier"] as? String == "silver")

            let history = try jsonList(try await loyalty(db, "tier", "history", number, "--format", "json"))
            #expect(history.count == 1)
            #expect(history.first?["reason"] as? String == "qualified")
            #expect(history.first?["entry"] as? Int == entry)
        }
    }

    @Test("without tiers, member show and points earn have no tier fields")
    func withoutTiers() async throws {
        try await withTestDatabase { db in
            let added = try await loyalty(db, "member", "add", "--first-name", "Grace", "--last-name", "Hopper", "--format", "json")
            let number = try #require(try added.jsonObject()["number"] as? String)
            let shown = try await loyalty(db, "member", "show", number, "--format", "json")
            let member = try shown.jsonObject()
            #expect(member["tier"] == nil)
            #expect(member["next_tier"] == nil)
            let table = try await loyalty(db, "member", "show", number)
            #expect(!table.stdout.contains("tier"))
            let earned = try await loyalty(db, "points", "earn", number, "--amount", "10.00", "--currency", "EUR", "--format", "json")
            let earn = try earned.jsonObject()
            #expect(earn["base"] as? Int == 10)
            #expect(earn["tier_bonus"] as? Int == 0)
            #expect(earn["tier"] == nil)
            let list = try await loyalty(db, "tier", "list")
            #expect(list.stdout.contains("(none)"))
        }
    }
}

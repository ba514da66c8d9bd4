import Foundation
import LoyaltyTesting
import Testing

/// `loyalty member duplicates` and `loyalty member merge`, run as a separate process.
@Suite("Member duplicates and merge CLI (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct MemberMergeCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    func add(_ db: TestDatabase, _ arguments: String...) async throws -> String {
        let added = try await LoyaltyProcess.run(
            ["member", "add", "--format", "json"] + arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted])
        #expect(added.status == 0, "\(added.stderr)")
        return try #require(try added.jsonObject()["number"] as? String)
    }

    @Test("duplicates lists the pair with its score; merge keeps one record and the other's number resolves to it")
    func duplicatesThenMerge() async throws {
        try await withTestDatabase { db in
            let keep = try await add(db, "--first-name", "Grace", "--last-name", "Hopper", "--email", "grace.hopper@gmail.com")
            let other = try await add(
                db, "--first-name", "Grace", "--last-name", "Hopper", "--email", "gracehopper+club@gmail.com", "--phone", "+15551234567")
            #expect(try await loyalty(db, "points", "adjust", other, "--points", "40", "--reason", "welcome").status == 0)

            let listed = try await loyalty(db, "member", "duplicates", "--format", "csv")
            #expect(listed.status == 0, "\(listed.stderr)")
            let lines = listed.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.last?.hasPrefix("90,\"email, name\",\(keep),Grace Hopper") == true, "\(listed.stdout)")

            let merged = try await loyalty(db, "member", "merge", keep, other, "--reason", "one person, two cards", "--format", "json")
            #expect(merged.status == 0, "\(merged.stderr)")
            let result = try merged.jsonObject()
            #expect(result["kept"] as? String == keep && result["merged"] as? String == other)
            #expect(result["points"] as? Int == 40 && result["balance"] as? Int == 40)
            #expect(result["filled"] as? [String] == ["phone"])

            let shown = try await loyalty(db, "member", "show", other, "--format", "json")
            #expect(try shown.jsonObject()["number"] as? String == keep)
            #expect(try shown.jsonObject()["phone"] as? String == "+15551234567")
            #expect(try await loyalty(db, "member", "duplicates", "--format", "csv").stdout.split(separator: "\n").count == 1)
            #expect(try await db.texts("select actor from audit_log where action = 'member.merge'") == ["alice"])
        }
    }

    @Test("merge and duplicates refuse bad input and change nothing")
    func refusals() async throws {
        try await withTestDatabase { db in
            let a = try await add(db, "--first-name", "Alan", "--last-name", "Turing")
            let b = try await add(db, "--first-name", "Alan", "--last-name", "Turing")
            let noReason = try await loyalty(db, "member", "merge", a, b)
            #expect(noReason.status != 0)
            let blank = try await loyalty(db, "member", "merge", a, b, "--reason", "  ")
            #expect(blank.status != 0 && blank.stderr.contains("BAD_ARGUMENT"))
            let itself = try await loyalty(db, "member", "merge", a, a, "--reason", "dup")
            #expect(itself.status != 0 && itself.stderr.contains("BAD_ARGUMENT"))
            let unknown = try await loyalty(db, "member", "merge", a, "nobody@example.com", "--reason", "dup")
            #expect(unknown.status != 0 && unknown.stderr.contains("NOT_FOUND"))
            let badScore = try await loyalty(db, "member", "duplicates", "--min-score", "0")
            #expect(badScore.status != 0 && badScore.stderr.contains("BAD_ARGUMENT"))
            let badLimit = try await loyalty(db, "member", "duplicates", "--limit", "0")
            #expect(badLimit.status != 0 && badLimit.stderr.contains("BAD_ARGUMENT"))
            #expect(try await db.scalar("select count(*)::int8 from members where status = 'closed'") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.merge'") == 0)
        }
    }
}

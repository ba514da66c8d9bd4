import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty reward ...` and `loyalty voucher ...` against a test database given by URL, run as a separate
/// process, with the installation key in a file of the test's own (`LOYALTY_SECURITY_KEY_FILE`).
@Suite("Reward and voucher commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct RewardCommandTests {
    /// A member added with the CLI; returns the member number.
    func addMember(_ db: TestDatabase, keyFile: String, _ first: String) async throws -> String {
        let added = try await loyalty(db, keyFile: keyFile, ["member", "add", "--first-name", first, "--last-name", "Test", "--format", "json"])
        #expect(added.status == 0, "\(added.stderr)")
        return try #require(try added.jsonObject()["number"] as? String)
    }

    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(r::text)), 0)::int8 from rewards r"),
            try await db.scalar("select count(*)::int8 from vouchers"),
        ]
    }

    @Test("reward add, list (table, JSON, CSV), show, update and retire; each audited; bad input changes nothing")
    func catalog() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "rw")
            let keyFile = directory + "/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            let added = try await run([
                "reward", "add", "tote", "--name", "Tote bag", "--cost", "1000", "--stock", "5", "--until", "2099-12-31", "--format", "json",
            ])
            #expect(added.status == 0, "\(added.stderr)")
            let tote = try added.jsonObject()
            #expect(tote["code"] as? String == "tote" && tote["cost"] as? Int == 1000 && tote["stock"] as? Int == 5)
            #expect(tote["valid_until"] as? String == "2099-12-31" && tote["status"] as? String == "active")
            #expect(try await run(["reward", "add", "coffee", "--name", "Free coffee", "--cost", "250"]).status == 0)

            let table = try await run(["reward", "list"])
            #expect(
                table.stdout.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true)
                    == ["code", "name", "cost", "stock", "from", "until", "min", "tier", "status", "issued", "used"])
            #expect(table.stdout.contains("unlimited"))
            let csv = try await run(["reward", "list", "--format", "csv"])
            #expect(
                csv.stdout.split(separator: "\n")
                    == [
                        "code,name,cost,stock,from,until,min tier,status,issued,used", "coffee,Free coffee,250,unlimited,,,,active,0,0",
                        "tote,Tote bag,1000,5,,2099-12-31,,active,0,0",
                    ])

            let updated = try await run(["reward", "update", "tote", "--stock", "none", "--cost", "900", "--format", "json"])
            #expect(updated.status == 0, "\(updated.stderr)")
            #expect(try updated.jsonObject()["stock"] == nil && (try updated.jsonObject()["cost"] as? Int) == 900)
            let retired = try await run(["reward", "retire", "tote", "--format", "json"])
            #expect(try retired.jsonObject()["status"] as? String == "retired")
            let shown = try await run(["reward", "show", "tote"])
            #expect(shown.stdout.contains("status    retired") || shown.stdout.contains("retired"))
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from audit_log where actor = 'alice' and action in ('reward.add', 'reward.update', 'reward.retire')")
                    == 4)
            // No voucher command ran: no key file was made.
            #expect(!FileManager.default.fileExists(atPath: keyFile))

            let before = try await snapshot(db)
            let refusals: [([String], String)] = [
                (["reward", "add", "Tote!", "--name", "X", "--cost", "1"], "Error: BAD_ARGUMENT: reward:"),
                (["reward", "add", "mug", "--cost", "1"], "Error: MISSING_ARGUMENT: missing argument --name"),
                (["reward", "add", "mug", "--name", "Mug", "--cost", "0"], "Error: BAD_ARGUMENT: cost:"),
                (["reward", "add", "mug", "--name", "Mug", "--cost", "1", "--from", "2027-02-01", "--until", "2027-01-01"], "Error: BAD_ARGUMENT: until:"),
                (["reward", "add", "mug", "--name", "Mug", "--cost", "1", "--min-tier", "gold"], "Error: NOT_FOUND: no tier with code gold"),
                (["reward", "add", "coffee", "--name", "Mug", "--cost", "1"], "Error: ALREADY_EXISTS: a reward with this code already exists"),
                (["reward", "update", "coffee"], "Error: MISSING_ARGUMENT: nothing to update"),
                (["reward", "update", "coffee", "--stock", "-1"], "Error: BAD_ARGUMENT: stock:"),
                (["reward", "update", "tea", "--cost", "5"], "Error: NOT_FOUND: no reward with code tea"),
                (["reward", "show", "tea"], "Error: NOT_FOUND: no reward with code tea"),
                (["reward", "grant", "coffee", "--member", "0001000009"], "Error: MISSING_ARGUMENT: missing argument --reason"),
                (["reward", "grant", "coffee", "--reason", "x"], "Error: MISSING_ARGUMENT: missing argument --member"),
                (["voucher", "show", "2222-2222-2222-3"], "Error: BAD_ARGUMENT: code: the code's check character is wrong"),
                (["voucher", "list"], "Error: MISSING_ARGUMENT: missing argument --member"),
            ]
            for (arguments, prefix) in refusals {
                let outcome = try await run(arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(arguments): \(outcome.stderr)")
                #expect(outcome.stderr.hasPrefix(prefix), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("reward grant to a CSV list: bad lines reported by number and skipped, codes written once to a 0600 file, usable")
    func grantFromFile() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "rw")
            let keyFile = directory + "/keys/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            #expect(try await run(["reward", "add", "tote", "--name", "Tote bag", "--cost", "1000", "--stock", "10"]).status == 0)
            let ada = try await addMember(db, keyFile: keyFile, "Ada")
            let grace = try await addMember(db, keyFile: keyFile, "Grace")
            let closed = try await addMember(db, keyFile: keyFile, "Carl")
            #expect(try await run(["member", "close", closed, "--reason", "left"]).status == 0)
            let unknown = MemberNumber(sequence: 999_999_998).digits
            let members = directory + "/members.csv"
            try """
                member,name
                \(ada),Ada

                12345
                \(grace),"Grace"
                \(ada)
                \(closed)
                \(unknown)
                """.write(toFile: members, atomically: true, encoding: .utf8)
            let out = directory + "/codes.csv"
            let granted = try await run(["reward", "grant", "tote", "--members", members, "--reason", "launch party", "--out", out])
            #expect(granted.status == 0, "\(granted.stderr)")
            let warnings = granted.stderr.split(separator: "\n").map(String.init)
            #expect(warnings.contains { $0.hasPrefix("\(members): line 4: '12345'") })
            #expect(warnings.contains("\(members): line 6: member \(ada) repeats line 2"))
            #expect(warnings.contains("\(members): line 7: member \(closed): member is closed; skipped"))
            #expect(warnings.contains("\(members): line 8: member \(unknown): no member with this member number; skipped"))
            #expect(warnings.last == "4 lines skipped.")
            #expect(granted.stdout.contains("Granted 2 vouchers; the codes are in \(out)."))
            #expect(granted.stdout.split(separator: "\n").count == 1, "codes must not be printed when --out is given: \(granted.stdout)")

            // The file: new, 0600, CSV with one code per granted member.
            let attributes = try FileManager.default.attributesOfItem(atPath: out)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
            #expect(lines.first == ["member", "code", "expires", "reward"])
            #expect(lines.dropFirst().map { $0[0] } == [ada, grace])
            #expect(lines.dropFirst().allSatisfy { $0[3] == "tote" })
            let codes = try lines.dropFirst().map { try RedemptionCode(parsing: $0[1]) }

            // The key file was created on first use, 0600, 32 bytes; the codes check out with it, here and in the CLI.
            let key = try FileManager.default.attributesOfItem(atPath: keyFile)
            #expect((key[.posixPermissions] as? Int) == 0o600 && (key[.size] as? Int) == 32)
            let store = try LoyaltyCLITests.store(db, keyFile: keyFile)
            #expect(try await store.voucher(codes[0]).member == ada)
            let shown = try await run(["voucher", "show", codes[1].grouped.lowercased(), "--format", "json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            let voucher = try shown.jsonObject()
            #expect(voucher["member"] as? String == grace && voucher["status"] as? String == "valid")
            #expect(voucher["last4"] as? String == codes[1].last4 && voucher["source"] as? String == "grant")
            #expect(voucher["grant_reason"] as? String == "launch party")
            #expect(!shown.stdout.contains(codes[1].canonical) && !shown.stdout.contains(codes[1].grouped))
            let table = try await run(["voucher", "list", "--member", ada])
            #expect(table.stdout.contains("…\(codes[0].last4)") && !table.stdout.contains(codes[0].canonical))
            #expect(try await db.scalar("select stock from rewards") == 8)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'reward.grant' and actor = 'alice'") == 2)

            // The file is never overwritten: the codes in it cannot be read back from anywhere else.
            let again = try await run(["reward", "grant", "tote", "--members", members, "--reason", "again", "--out", out])
            #expect(again.status != 0 && again.stderr.hasPrefix("Error: BAD_ARGUMENT: \(out) exists"))
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 2)
        }
    }

    @Test("reward grant to one member prints the code once; too little stock grants nothing and writes no file")
    func grantOne() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "rw")
            let keyFile = directory + "/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            #expect(try await run(["reward", "add", "tote", "--name", "Tote bag", "--cost", "1000", "--stock", "1"]).status == 0)
            let ada = try await addMember(db, keyFile: keyFile, "Ada")
            let granted = try await run(["reward", "grant", "tote", "--member", ada, "--reason", "apology", "--format", "json"])
            #expect(granted.status == 0, "\(granted.stderr)")
            let list = try #require(try granted.json() as? [[String: Any]])
            #expect(list.count == 1 && list.first?["member"] as? String == ada)
            let code = try RedemptionCode(parsing: try #require(list.first?["code"] as? String))
            let store = try LoyaltyCLITests.store(db, keyFile: keyFile)
            #expect(try await store.voucher(code).grantReason == "apology")

            let out = directory + "/none.csv"
            let refused = try await run(["reward", "grant", "tote", "--member", ada, "--reason", "more", "--out", out])
            #expect(refused.status != 0)
            #expect(refused.stderr == "Error: OUT_OF_STOCK: reward tote has 0 in stock, 1 vouchers requested\n")
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 1)

            // A key file others can read is refused.
            chmod(keyFile, 0o644)
            let open = try await run(["voucher", "show", code.grouped])
            #expect(open.status != 0 && open.stderr.hasPrefix("Error: CONFIGURATION: the key file \(keyFile) can be read by other users"))
        }
    }
}

import Foundation
import LoyaltyTesting
import Testing

/// `loyalty member consent|export-data|erase` and `jobs run retention` against a test database, run as a
/// separate process (docs/privacy.md).
@Suite("Privacy commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct PrivacyCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: [String], environment: [String: String] = [:]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"].merging(environment) { _, new in new })
    }

    /// Adds Ada with email consent and returns her number.
    func addAda(_ db: TestDatabase) async throws -> String {
        let added = try await loyalty(
            db,
            [
                "member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.com", "--phone",
                "+49 151 1234 5678", "--email-consent", "yes", "--city", "Berlin", "--format", "json",
            ])
        #expect(added.status == 0, "\(added.stderr)")
        return try #require(try added.jsonObject()["number"] as? String)
    }

    /// Everything a refused command must leave alone.
    func snapshot(_ db: TestDatabase) async throws -> [String] {
        try await db.texts("select m::text from members m order by id")
            + db.texts("select count(*)::text from audit_log")
            + db.texts("select count(*)::text from consent_events")
    }

    @Test("member consent: the current state and the history per channel with source and actor, as table and JSON")
    func consent() async throws {
        try await withTestDatabase { db in
            let number = try await addAda(db)
            let update = try await loyalty(db, ["member", "update", number, "--email-consent", "no", "--sms-consent", "yes", "--actor", "bob"])
            #expect(update.status == 0, "\(update.stderr)")

            let table = try await loyalty(db, ["member", "consent", number])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("email: not granted since ") == true)
            #expect(lines.dropFirst().first?.hasPrefix("sms: granted since ") == true)
            #expect(lines.contains { $0.hasPrefix("email") && $0.contains("granted") && $0.contains("admin") && $0.hasSuffix("alice") })
            #expect(lines.contains { $0.hasPrefix("email") && $0.contains("withdrawn") && $0.hasSuffix("bob") })

            let json = try await loyalty(db, ["member", "consent", number, "--format", "json"])
            let object = try json.jsonObject()
            #expect(object["member"] as? String == number)
            let email = try #require(object["email"] as? [String: Any])
            #expect(email["granted"] as? Bool == false)
            let changes = try #require(email["history"] as? [[String: Any]])
            #expect(changes.map { $0["granted"] as? Bool } == [true, false])
            #expect(changes.map { $0["source"] as? String } == ["admin", "admin"])
            #expect(changes.map { $0["actor"] as? String } == ["alice", "bob"])
            let sms = try #require(object["sms"] as? [String: Any])
            #expect((sms["history"] as? [[String: Any]])?.count == 1)

            let unknown = try await loyalty(db, ["member", "consent", "0001000017"])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("NOT_FOUND"))
        }
    }

    @Test("member export-data: the JSON document on standard output, or in a new 0600 file; audited; an existing file is refused")
    func exportData() async throws {
        try await withTestDatabase { db in
            try await withTemporaryDirectory { directory in
                let number = try await addAda(db)
                let stdout = try await loyalty(db, ["member", "export-data", number])
                #expect(stdout.status == 0, "\(stdout.stderr)")
                let document = try stdout.jsonObject()
                #expect(document["schema"] as? String == "loyalty-member-export/1")
                #expect((document["profile"] as? [String: Any])?["email"] as? String == "ada@example.com")

                let path = directory + "/ada.json"
                let written = try await loyalty(db, ["member", "export-data", "ada@example.com", "--out", path])
                #expect(written.status == 0, "\(written.stderr)")
                #expect(!written.stdout.contains("Lovelace"))
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                let file = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
                #expect((file["profile"] as? [String: Any])?["number"] as? String == number)
                #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.export-data' and actor = 'alice'") == 2)

                let before = try await snapshot(db)
                let again = try await loyalty(db, ["member", "export-data", number, "--out", path])
                #expect(again.status != 0)
                #expect(again.stderr.contains("BAD_ARGUMENT"))
                #expect(try await snapshot(db) == before)

                let missing = directory + "/missing.json"
                let unknown = try await loyalty(db, ["member", "export-data", "0001000017", "--out", missing])
                #expect(unknown.stderr.contains("NOT_FOUND"))
                #expect(!FileManager.default.fileExists(atPath: missing))
                #expect(try await snapshot(db) == before)
            }
        }
    }

    @Test("member erase: refused without --yes or --reason (nothing changed); with both the record is anonymous and final")
    func erase() async throws {
        try await withTestDatabase { db in
            let number = try await addAda(db)
            let before = try await snapshot(db)
            let unconfirmed = try await loyalty(db, ["member", "erase", number, "--reason", "asked by phone"])
            #expect(unconfirmed.status != 0)
            #expect(unconfirmed.stderr.contains("MISSING_ARGUMENT"))
            #expect(unconfirmed.stderr.contains("--yes"))
            let noReason = try await loyalty(db, ["member", "erase", number, "--yes"])
            #expect(noReason.stderr.contains("MISSING_ARGUMENT"))
            let blank = try await loyalty(db, ["member", "erase", number, "--reason", "  ", "--yes"])
            #expect(blank.stderr.contains("BAD_ARGUMENT"))
            #expect(try await snapshot(db) == before)

            let erased = try await loyalty(db, ["member", "erase", number, "--reason", "asked by phone", "--yes", "--format", "json"])
            #expect(erased.status == 0, "\(erased.stderr)")
            let result = try erased.jsonObject()
            #expect(result["member"] as? String == number)
            #expect(result["closed"] as? Bool == true)
            #expect((result["removed"] as? [String])?.contains("email") == true)
            #expect((result["removed"] as? [String])?.contains("email_consent") == true)

            let shown = try await loyalty(db, ["member", "show", number, "--format", "json"])
            let record = try shown.jsonObject()
            #expect(record["first_name"] as? String == "Erased")
            #expect(record["email"] == nil || record["email"] is NSNull)
            #expect(record["erased_at"] is String)
            let table = try await loyalty(db, ["member", "show", number])
            #expect(table.stdout.contains("closed (erased "))

            let afterErase = try await snapshot(db)
            for arguments in [
                ["member", "update", number, "--city", "Paris"],
                ["member", "activate", number],
                ["member", "erase", number, "--reason", "again", "--yes"],
            ] {
                let refused = try await loyalty(db, arguments)
                #expect(refused.status != 0, "\(arguments)")
                #expect(refused.stderr.contains("MEMBER_ERASED"), "\(arguments): \(refused.stderr)")
            }
            #expect(try await snapshot(db) == afterErase)
            // The email is free again for a new record.
            let readded = try await loyalty(db, ["member", "add", "--first-name", "Ada", "--last-name", "L", "--email", "ada@example.com"])
            #expect(readded.status == 0, "\(readded.stderr)")
        }
    }

    @Test("jobs run retention: off without the setting; a dry run counts; a run erases those closed long enough; bad settings refused")
    func retentionJob() async throws {
        try await withTestDatabase { db in
            let number = try await addAda(db)
            let close = try await loyalty(db, ["member", "close", number])
            #expect(close.status == 0, "\(close.stderr)")
            try await db.travel(days: 31)
            let before = try await snapshot(db)

            let off = try await loyalty(db, ["jobs", "run", "retention"])
            #expect(off.status == 0, "\(off.stderr)")
            #expect(off.stdout.contains("retention is off"))
            let offJSON = try await loyalty(db, ["jobs", "run", "retention", "--format", "json"])
            #expect(try offJSON.jsonObject()["enabled"] as? Bool == false)
            #expect(try await snapshot(db) == before)

            let days = ["LOYALTY_PRIVACY_RETENTION_DAYS": "30"]
            let dry = try await loyalty(db, ["jobs", "run", "retention", "--dry-run", "--format", "json"], environment: days)
            #expect(dry.status == 0, "\(dry.stderr)")
            let preview = try dry.jsonObject()
            #expect(preview["erased"] as? Int == 1)
            #expect(preview["dry_run"] as? Bool == true)
            #expect(try await snapshot(db) == before)

            for bad in ["29", "36501", "soon"] {
                let refused = try await loyalty(db, ["jobs", "run", "retention"], environment: ["LOYALTY_PRIVACY_RETENTION_DAYS": bad])
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("CONFIGURATION"), "\(bad): \(refused.stderr)")
            }
            let badBatch = try await loyalty(db, ["jobs", "run", "retention", "--batch-size", "0"], environment: days)
            #expect(badBatch.stderr.contains("BAD_ARGUMENT"))
            #expect(try await snapshot(db) == before)

            let run = try await loyalty(db, ["jobs", "run", "retention"], environment: days)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.split(separator: "\n").contains { $0.hasPrefix("erased ") && $0.hasSuffix(" 1") })
            #expect(try await db.scalar("select count(*)::int8 from members where erased_at is not null") == 1)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.retention' and actor = 'alice'") == 1)
        }
    }
}

import Foundation
import LoyaltyTesting
import Testing

/// `terminal rotate` and `audit list` through the real binary.
@Suite("Terminal rotation and audit list CLI (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct SecurityCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    @Test("terminal rotate prints a new secret; both work until --finish; bad arguments change nothing")
    func rotate() async throws {
        try await withTestDatabase { db in
            let (_, old) = try await db.store.addTerminal(name: "till-1", storeCode: nil, actor: "test")
            for (grace, name) in [("24x", "till-1"), ("31d", "till-1"), ("1.5h", "till-1"), ("1h", "bad name!")] {
                let refused = try await loyalty(db, "terminal", "rotate", name, "--grace", grace)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("BAD_ARGUMENT"), "\(grace) \(name): \(refused.stderr)")
            }
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action like 'terminal.rotate%'") == 0)

            let rotated = try await loyalty(db, "terminal", "rotate", "till-1", "--grace", "2h", "--format", "json")
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let json = try rotated.jsonObject()
            let new = try #require(json["secret"] as? String)
            #expect(json["old_secret_expires"] is String)
            #expect(try await db.store.authenticate(terminal: "till-1", secret: new).name == "till-1")
            #expect(try await db.store.authenticate(terminal: "till-1", secret: old).name == "till-1")

            let again = try await loyalty(db, "terminal", "rotate", "till-1")
            #expect(again.stderr.contains("ALREADY_EXISTS"), "\(again.stderr)")
            let finished = try await loyalty(db, "terminal", "rotate", "--finish", "till-1")
            #expect(finished.status == 0, "\(finished.stderr)")
            await #expect(throws: (any Error).self) { try await db.store.authenticate(terminal: "till-1", secret: old) }
            let unknown = try await loyalty(db, "terminal", "rotate", "--finish", "till-1")
            #expect(unknown.stderr.contains("NOT_FOUND"), "\(unknown.stderr)")
        }
    }

    @Test("audit list filters and prints table, json and csv; bad filters are refused")
    func auditList() async throws {
        try await withTestDatabase { db in
            #expect(try await loyalty(db, "terminal", "add", "till-1").status == 0)
            #expect(try await loyalty(db, "terminal", "rotate", "till-1", "--grace", "1h").status == 0)
            _ = try await db.store.addTerminal(name: "till-2", storeCode: nil, actor: "bob")

            let table = try await loyalty(db, "audit", "list")
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("at") == true)
            try #require(lines.count == 5, "\(table.stdout)")
            #expect(lines[2].contains("terminal.add") && lines[2].contains("bob"))

            let json = try await loyalty(db, "audit", "list", "--actor", "alice", "--action", "terminal.rotate", "--format", "json")
            #expect(json.status == 0, "\(json.stderr)")
            let entries = try #require(try json.json() as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["subject"] as? String == "till-1")
            #expect((entries.first?["details"] as? [String: Any])?["grace_seconds"] as? Int == 3600)

            let csv = try await loyalty(db, "audit", "list", "--subject", "till-2", "--format", "csv")
            #expect(csv.stdout.split(separator: "\n").first == "at,actor,action,subject,details")
            #expect(csv.stdout.split(separator: "\n").count == 2)
            let future = try await loyalty(db, "audit", "list", "--since", "2999-01-01", "--format", "csv")
            #expect(future.stdout.split(separator: "\n").count == 1)

            for arguments in [["--limit", "0"], ["--since", "yesterday"], ["--until", "2026-13-01"], ["--action", "Terminal%"]] {
                let refused = try await LoyaltyProcess.run(
                    ["audit", "list"] + arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted])
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("BAD_ARGUMENT"), "\(arguments): \(refused.stderr)")
            }
            // Reading is not audited.
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == 3)
        }
    }
}

/// `serve` refuses bad TLS settings before it listens.
@Suite("serve TLS configuration (PostgreSQL, subprocess, openssl)", .timeLimit(.minutes(6)))
struct ServeTLSConfigurationTests {
    @Test("bad TLS settings stop serve with CONFIGURATION", arguments: [
        (["LOYALTY_SERVER_PLAINTEXT": "false"], "server.plaintext is false but no TLS"),
        (["LOYALTY_SERVER_TLS_CERTIFICATE": "/nonexistent/server.pem", "LOYALTY_SERVER_TLS_KEY": "/nonexistent/server.key"], "does not exist"),
        (["LOYALTY_SERVER_TLS_KEY": "/nonexistent/server.key"], "need server.tls.certificate"),
        (["LOYALTY_SERVER_TLS_CLIENT_AUTH": "sometimes"], "must be none, optional or require"),
        (["LOYALTY_SERVER_PLAINTEXT": "perhaps"], "must be true or false"),
    ])
    func refused(settings: [String: String], message: String) async throws {
        try await withTestDatabase { db in
            let outcome = try await LoyaltyProcess.run(
                ["serve", "--listen", "127.0.0.1:0"],
                environment: settings.merging(["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_SERVER_TLS_PORT": "0"]) { a, _ in a },
                timeout: .seconds(60))
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("CONFIGURATION"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        }
    }

    @Test("a key that is not the certificate's stops serve with CONFIGURATION")
    func mismatchedKey() async throws {
        let certificates = try TestCertificates.make()
        let stray = try certificates.strayKey()
        try await withTestDatabase { db in
            let outcome = try await LoyaltyProcess.run(
                ["serve", "--listen", "127.0.0.1:0"],
                environment: [
                    "LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_SERVER_TLS_PORT": "0",
                    "LOYALTY_SERVER_TLS_CERTIFICATE": certificates.serverCertificate, "LOYALTY_SERVER_TLS_KEY": stray,
                ],
                timeout: .seconds(60))
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("is not the key of the certificate"), "\(outcome.stderr)")
        }
    }
}

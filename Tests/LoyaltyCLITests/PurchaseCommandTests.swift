import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty purchase …`, `loyalty segment …` and `reward grant --segment` against a test database, run as a
/// separate process (docs/purchases.md).
@Suite("Purchase and segment commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct PurchaseCommandTests {
    /// A small file in exactly the shape of the UCI Online Retail export: a quoted description with a comma,
    /// customer ids written as floats, a cancellation, a row without a customer id and a bad date.
    static let uciFile = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
        536365,71053,"WHITE METAL LANTERN, LARGE",6,12/1/2010 8:26,3.39,17850.0,United Kingdom
        536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom
        C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527,United Kingdom
        536380,22961,JAM MAKING SET PRINTED,24,12/1/2010 9:41,1.45,,United Kingdom
        536381,22139,RETROSPOT TEA SET,1,13/45/2010 9:45,4.95,15311,United Kingdom
        536382,22960,JAM MAKING SET WITH JARS,2,12/2/2010 10:00,4.25,15311.0,United Kingdom

        """

    /// Runs `loyalty` as the actor `alice`, with the tracker in pounds, and the key file for voucher codes.
    func run(_ db: TestDatabase, _ directory: String, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: [
                "LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_SECURITY_KEY_FILE": directory + "/secret.key",
                "LOYALTY_TRACKER_CURRENCY": "GBP",
            ])
    }

    /// A table record (`key  value` lines) as a dictionary.
    func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "  ") else { continue }
            fields[String(line[..<range.lowerBound])] = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The member an import created for a customer id.
    func member(_ db: TestDatabase, _ customer: String) async throws -> MemberReference {
        let number = try #require(try await db.texts("select number from members where external_id = \(customer)").first)
        return .number(try MemberNumber(parsing: number))
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("purchase import --preset uci-online-retail: receipts, members, skipped lines on stderr and in --rejects; a second import adds nothing")
    func importUCI() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "pi")
            let file = directory + "/Online_Retail.csv"
            try write(Self.uciFile, to: file)
            let rejects = directory + "/rejects.csv"
            let imported = try await run(
                db, directory, ["purchase", "import", file, "--preset", "uci-online-retail", "--currency", "GBP", "--rejects", rejects, "--quiet"])
            #expect(imported.status == 0, "\(imported.stderr)")
            let summary = fields(imported.stdout)
            #expect(summary["lines"] == "7" && summary["skipped lines"] == "2", "\(imported.stdout)")
            #expect(summary["receipts in file"] == "4" && summary["receipts added"] == "4" && summary["of which returns"] == "1")
            #expect(summary["already imported"] == "0" && summary["receipts refused"] == "0" && summary["members created"] == "3")
            #expect(summary["metrics refreshed"] == "3")
            let warnings = imported.stderr.split(separator: "\n").map(String.init)
            #expect(warnings == ["\(file): line 6: no customer id", "\(file): line 7: bad date '13/45/2010 9:45'"], "\(imported.stderr)")
            #expect(try String(contentsOfFile: rejects, encoding: .utf8) == "line,reason\n6,no customer id\n7,bad date '13/45/2010 9:45'\n")

            #expect(
                try await db.texts(
                    """
                    select m.external_id || ' ' || p.receipt || ' ' || p.kind || ' ' || p.amount_minor || ' ' || p.currency
                      from purchases p join members m on m.id = p.member_id order by p.receipt
                    """) == ["17850 536365 sale 3564 GBP", "17850 536366 sale 1110 GBP", "15311 536382 sale 850 GBP", "14527 C536379 return 2750 GBP"])
            #expect(try await db.texts("select file_name || ' ' || actor from purchase_imports") == ["Online_Retail.csv alice"])
            #expect(
                try await db.scalar("select count(*)::int8 from purchase_imports where file_sha256 = sha256(convert_to(\(Self.uciFile), 'UTF8'))")
                    == 1)

            // Again, with a new rejects file: everything is already there.
            let again = try await run(
                db, directory,
                ["purchase", "import", file, "--preset", "uci-online-retail", "--currency", "GBP", "--rejects", directory + "/r2.csv", "--quiet"])
            #expect(again.status == 0, "\(again.stderr)")
            let second = fields(again.stdout)
            #expect(second["receipts added"] == "0" && second["already imported"] == "4" && second["members created"] == "0")
            #expect(try await db.scalar("select count(*)::int8 from purchases") == 4)
            #expect(try await db.scalar("select count(*)::int8 from members") == 3)

            // JSON output carries the same figures.
            let json = try await run(
                db, directory, ["purchase", "import", file, "--preset", "uci-online-retail", "--quiet", "--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let object = try json.jsonObject()
            #expect(object["alreadyImported"] as? Int == 4 && object["receipts"] as? Int == 0 && object["skippedLines"] as? Int == 2)

            let imports = try await run(db, directory, ["purchase", "imports"])
            #expect(imports.status == 0, "\(imports.stderr)")
            #expect(imports.stdout.contains("Online_Retail.csv"))
        }
    }

    @Test("purchase metrics MEMBER shows the member's figures in the tracker currency")
    func metrics() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "pm")
            let file = directory + "/Online_Retail.csv"
            try write(Self.uciFile, to: file)
            let imported = try await run(db, directory, ["purchase", "import", file, "--preset", "uci-online-retail", "--quiet"])
            #expect(imported.status == 0, "\(imported.stderr)")
            let number = try #require(try await db.texts("select number from members where external_id = '17850'").first)
            let shown = try await run(db, directory, ["purchase", "metrics", number])
            #expect(shown.status == 0, "\(shown.stderr)")
            let metrics = fields(shown.stdout)
            #expect(metrics["member"] == number && metrics["first purchase"] == "2010-12-01" && metrics["last purchase"] == "2010-12-01")
            #expect(metrics["purchase days"] == "1" && metrics["receipts"] == "2" && metrics["returns"] == "0")
            #expect(metrics["spend"] == "46.74 GBP" && metrics["average spend"] == "23.37 GBP", "\(shown.stdout)")
            #expect(metrics["median gap"] == "–" && metrics["expected next"] == "–")
            #expect(metrics["lapse state"] == "lapsed (lapsed after 180 days)")

            let never = try #require(try await db.texts("select number from members where external_id = '14527'").first)
            let none = try await run(db, directory, ["purchase", "metrics", never])
            #expect(none.status == 0 && none.stdout == "No purchases yet.\n", "\(none.stdout) \(none.stderr)")
            let unknown = try await run(db, directory, ["purchase", "metrics", "0009999996"])
            #expect(unknown.status != 0 && unknown.stderr.contains("NOT_FOUND"), "\(unknown.stderr)")
        }
    }

    @Test("segment create, count and export --channel email --out (0600, left-out counts on stderr); reward grant --segment")
    func segmentsAndGrant() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "sg")
            let file = directory + "/Online_Retail.csv"
            try write(Self.uciFile, to: file)
            #expect(try await run(db, directory, ["purchase", "import", file, "--preset", "uci-online-retail", "--quiet"]).status == 0)
            let store = db.store
            var reachable = MemberUpdate()
            reachable.email = .set(try EmailAddress(parsing: "c17850@example.com"))
            reachable.emailConsent = true
            _ = try await store.updateMember(try await member(db, "17850"), reachable, actor: "test")
            var unconsented = MemberUpdate()
            unconsented.email = .set(try EmailAddress(parsing: "c15311@example.com"))
            _ = try await store.updateMember(try await member(db, "15311"), unconsented, actor: "test")

            let created = try await run(
                db, directory, ["segment", "create", "winback", "--lapse", "lapsed", "--source", "import", "--description", "Lapsed customers"])
            #expect(created.status == 0, "\(created.stderr)")
            let shown = fields(created.stdout)
            #expect(shown["segment"] == "winback" && shown["members"] == "2" && shown["reachable by email"] == "1", "\(created.stdout)")
            #expect(shown["conditions"] == "source import; lapse state lapsed")
            let again = try await run(db, directory, ["segment", "create", "winback", "--lapse", "never"])
            #expect(again.status != 0 && again.stderr.contains("ALREADY_EXISTS"), "\(again.stderr)")

            let counted = try await run(db, directory, ["segment", "count", "winback"])
            #expect(counted.status == 0, "\(counted.stderr)")
            #expect(fields(counted.stdout)["members"] == "2" && fields(counted.stdout)["closed"] == "0")
            let adHoc = try await run(db, directory, ["segment", "count", "--lapse", "never"])
            #expect(fields(adHoc.stdout)["members"] == "1", "\(adHoc.stdout) \(adHoc.stderr)")

            let out = directory + "/winback.csv"
            let exported = try await run(db, directory, ["segment", "export", "winback", "--channel", "email", "--out", out])
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(exported.stderr == "Exported 1 member to \(out); left out 1 (no consent: 1).\n")
            let number = try #require(try await db.texts("select number from members where external_id = '17850'").first)
            #expect(
                try String(contentsOfFile: out, encoding: .utf8)
                    == "member,first_name,last_name,email,tier,points,last_purchase,rfm_segment,lapse_state\n"
                    + "\(number),Customer,17850,c17850@example.com,,0,2010-12-01,,lapsed\n")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600)
            // The file must be new.
            let clash = try await run(db, directory, ["segment", "export", "winback", "--channel", "email", "--out", out])
            #expect(clash.status != 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'segment.export' and actor = 'alice'") == 1)

            #expect(try await run(db, directory, ["reward", "add", "comeback", "--name", "Come back", "--cost", "100"]).status == 0)
            let vouchers = directory + "/vouchers.csv"
            let granted = try await run(
                db, directory, ["reward", "grant", "comeback", "--segment", "winback", "--reason", "Win-back", "--out", vouchers])
            #expect(granted.status == 0, "\(granted.stderr)")
            #expect(granted.stdout.contains("Granted 2 vouchers; the codes are in \(vouchers)."), "\(granted.stdout)")
            #expect(try String(contentsOfFile: vouchers, encoding: .utf8).split(separator: "\n").count == 3)
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 2)

            let empty = try await run(db, directory, ["segment", "create", "nobody", "--tag", "nothing-here"])
            #expect(empty.status == 0, "\(empty.stderr)")
            let none = try await run(db, directory, ["reward", "grant", "comeback", "--segment", "nobody", "--reason", "x"])
            #expect(none.status != 0 && none.stderr.contains("no active member"), "\(none.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from vouchers") == 2)
        }
    }

    @Test("bad input: unknown preset, bad --map, a missing column, an existing rejects file: a clear error and nothing imported")
    func badInput() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "pb")
            let file = directory + "/Online_Retail.csv"
            try write(Self.uciFile, to: file)
            let noCustomer = directory + "/no_customer.csv"
            try write(Self.uciFile.replacingOccurrences(of: "CustomerID", with: "Customer"), to: noCustomer)
            let brokenHeader = directory + "/broken_header.csv"
            // A quote opened in the header and never closed: the header line cannot be read as CSV.
            try write(
                "\"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                    + "536365,85123A,HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n", to: brokenHeader)
            let existing = directory + "/exists.csv"
            try write("x\n", to: existing)
            let cases: [([String], String)] = [
                (["purchase", "import", file, "--preset", "nope"], "unknown preset 'nope'"),
                (["purchase", "import", file, "--preset", "uci-online-retail", "--map", "receipt"], "map:"),
                (["purchase", "import", file, "--map", "receipt=InvoiceNo,colour=Blue"], "unknown field 'colour'"),
                (["purchase", "import", noCustomer, "--preset", "uci-online-retail"], "CustomerID"),
                (["purchase", "import", brokenHeader, "--preset", "uci-online-retail"], "the header line cannot be read"),
                (["purchase", "import", file, "--preset", "uci-online-retail", "--rejects", existing], "exists"),
                (["purchase", "import", directory + "/missing.csv", "--preset", "uci-online-retail"], "cannot read"),
                (["purchase", "import", file, "--preset", "uci-online-retail", "--date-format", "y/m/d"], "date"),
                (["purchase", "import", file, "--preset", "uci-online-retail", "--currency", "POUNDS"], "currency"),
            ]
            for (arguments, message) in cases {
                let outcome = try await run(db, directory, arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.hasPrefix("Error: ") && outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await db.scalar("select count(*)::int8 from purchase_imports") == 0)
            #expect(try await db.scalar("select count(*)::int8 from purchases") == 0)
            #expect(try await db.scalar("select count(*)::int8 from members") == 0)
            #expect(try String(contentsOfFile: existing, encoding: .utf8) == "x\n")
        }
    }
}

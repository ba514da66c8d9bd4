import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Members (PostgreSQL)", .timeLimit(.minutes(6)))
struct MemberStoreTests {
    @Test("member numbers carry a check digit the Swift validator accepts")
    func numbersHaveCheckDigits() async throws {
        try await withTestDatabase { db in
            for index in 0..<20 {
                let result = try await db.store.enroll(NewMember(firstName: "N\(index)", lastName: "X"), origin: admin)
                #expect((try? MemberNumber(parsing: result.member)) != nil, "\(result.member) fails the Luhn check")
            }
        }
    }

    @Test("email and phone are unique among open members; closing a member frees them")
    func uniqueness() async throws {
        try await withTestDatabase { db in
            let phone = try PhoneNumber(parsing: "+4915112345678", defaultRegion: .unitedStates)
            let first = try await db.store.enroll(
                NewMember(firstName: "A", lastName: "B", email: try EmailAddress(parsing: "a@example.com"), phone: phone), origin: admin)
            let sameEmail = await #expect(throws: LoyaltyError.self) {
                try await db.store.enroll(
                    NewMember(firstName: "C", lastName: "D", email: try EmailAddress(parsing: " A@Example.com ")), origin: admin)
            }
            #expect(sameEmail?.code == .alreadyExists)
            #expect(sameEmail?.message.contains("email") == true)
            let samePhone = await #expect(throws: LoyaltyError.self) {
                try await db.store.enroll(NewMember(firstName: "C", lastName: "D", phone: phone), origin: admin)
            }
            #expect(samePhone?.code == .alreadyExists)

            let reference = MemberReference.number(try MemberNumber(parsing: first.member))
            _ = try await db.store.setMemberStatus(reference, to: .closed, reason: "moved away", actor: "test")
            let again = try await db.store.enroll(
                NewMember(firstName: "C", lastName: "D", email: try EmailAddress(parsing: "a@example.com"), phone: phone), origin: admin)
            #expect(again.member != first.member)
            // Lookups by contact details find the open member, by number the closed one still resolves.
            #expect(try await db.store.member(.email(try EmailAddress(parsing: "a@example.com"))).number == again.member)
            #expect(try await db.store.member(reference).status == .closed)
        }
    }

    @Test("search by name prefix, case-insensitive, with LIKE wildcards taken literally")
    func findByPrefix() async throws {
        try await withTestDatabase { db in
            _ = try await db.newMember("Grace", "Hopper")
            _ = try await db.newMember("Ada", "Lovelace")
            _ = try await db.newMember("Alan", "Turing")
            _ = try await db.newMember("Percent", "100%off")
            #expect(try await db.store.findMembers(namePrefix: "a", limit: 10).map(\.lastName).sorted() == ["Lovelace", "Turing"])
            #expect(try await db.store.findMembers(namePrefix: "HOP", limit: 10).map(\.firstName) == ["Grace"])
            #expect(try await db.store.findMembers(namePrefix: "%", limit: 10).isEmpty)
            #expect(try await db.store.findMembers(namePrefix: "100%", limit: 10).count == 1)
        }
    }

    @Test("update changes only the given fields, records consent times, and is audited")
    func update() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember(email: "old@example.com")
            var update = MemberUpdate()
            update.email = .set(try EmailAddress(parsing: "new@example.com"))
            update.city = .set("Berlin")
            update.emailConsent = true
            update.addTags = ["vip", "newsletter"]
            let record = try await db.store.updateMember(member, update, actor: "alice")
            #expect(record.email == "new@example.com")
            #expect(record.city == "Berlin")
            #expect(record.firstName == "Ada")
            #expect(record.emailConsent)
            #expect(record.emailConsentAt != nil)
            #expect(record.tags == ["newsletter", "vip"])

            var clear = MemberUpdate()
            clear.city = .clear
            clear.removeTags = ["vip"]
            let cleared = try await db.store.updateMember(member, clear, actor: "alice")
            #expect(cleared.city == nil)
            #expect(cleared.tags == ["newsletter"])
            // A field given with the value it has is not a change; the audit names what changed, never values.
            var same = MemberUpdate()
            same.firstName = "Ada"
            same.emailConsent = true
            _ = try await db.store.updateMember(member, same, actor: "alice")
            #expect(
                try await db.texts("select details::text from audit_log where actor = 'alice' and action = 'member.update' order by id") == [
                    #"{"changed": ["email", "address", "email_consent:granted", "tags"]}"#,
                    #"{"changed": ["address", "tags"]}"#,
                    #"{"changed": []}"#,
                ])
        }
    }

    @Test("suspended members cannot earn or redeem; status changes follow the life cycle")
    func statusLifeCycle() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            _ = try await db.store.setMemberStatus(member, to: .suspended, reason: "dispute", actor: "test")
            let earn = await #expect(throws: LoyaltyError.self) {
                try await db.store.earn(member, points: 1, purchase: nil, receipt: nil, origin: admin)
            }
            #expect(earn?.code == .memberInactive)
            let redeem = await #expect(throws: LoyaltyError.self) {
                try await db.store.redeem(member, points: 1, receipt: nil, origin: admin)
            }
            #expect(redeem?.code == .memberInactive)
            _ = try await db.store.setMemberStatus(member, to: .active, reason: nil, actor: "test")
            _ = try await db.store.redeem(member, points: 1, receipt: nil, origin: admin)
            _ = try await db.store.setMemberStatus(member, to: .closed, reason: nil, actor: "test")
            let reopen = await #expect(throws: LoyaltyError.self) {
                try await db.store.setMemberStatus(member, to: .active, reason: nil, actor: "test")
            }
            #expect(reopen?.code == .badArgument)
            #expect(
                try await db.scalar("select count(*)::int8 from audit_log where action in ('member.suspend', 'member.activate', 'member.close')")
                    == 3)
        }
    }
}

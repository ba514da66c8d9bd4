import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty_member_duplicates`: likely duplicates, scored by what two open records share.
@Suite("Member duplicates (PostgreSQL)", .timeLimit(.minutes(6)))
struct MemberDuplicatesStoreTests {
    @Test("plus-addressing and Gmail dots, name and birth date, similar names at one address are found and scored")
    func signals() async throws {
        try await withTestDatabase { db in
            let jon = try await enroll(db, "Jon", "Smith", email: "jon.smith+shop@gmail.com")
            let john = try await enroll(db, "John", "Smith", email: "jonsmith@googlemail.com")
            let zoe = try await enroll(db, "Zoë", "O'Brien", birth: "1990-01-01")
            let zoe2 = try await enroll(db, "zoe", "obrien", birth: "1990-01-01")
            let rob = try await enroll(db, "Rob", "Miller", address: ("Main St 1", "10115"))
            let robert = try await enroll(db, "Robert", "Miler", address: ("main st. 1", "10115"))
            // A family at one address: different first names are not one person.
            _ = try await enroll(db, "Anna", "Keller", address: ("Hill Rd 9", "20095"))
            _ = try await enroll(db, "Peter", "Keller", address: ("Hill Rd 9", "20095"))

            let pairs = try await db.store.memberDuplicates(minimumScore: 50, limit: 100, member: nil)
            let found = Dictionary(uniqueKeysWithValues: pairs.map { (Set([$0.first.number, $0.second.number]), $0) })
            #expect(pairs.count == 3)
            let email = try #require(found[[jon, john]])
            #expect(email.reasons == ["email", "similar name"] && email.score == 80)
            #expect(email.first.number == jon)
            let nameAndBirth = try #require(found[[zoe, zoe2]])
            #expect(nameAndBirth.reasons == ["name", "birth date"] && nameAndBirth.score == 60)
            let address = try #require(found[[rob, robert]])
            #expect(address.reasons == ["similar name", "address"] && address.score == 50)

            // Lower thresholds show weaker pairs (the family), higher ones only the strongest.
            #expect(try await db.store.memberDuplicates(minimumScore: 30, limit: 100, member: nil).count == 4)
            #expect(try await db.store.memberDuplicates(minimumScore: 70, limit: 100, member: nil).count == 1)
            // One member's pairs only.
            let robs = try await db.store.memberDuplicates(
                minimumScore: 1, limit: 100, member: .number(try MemberNumber(parsing: rob)))
            #expect(robs.map { Set([$0.first.number, $0.second.number]) } == [[rob, robert]])
        }
    }

    @Test("closed members, merged ones among them, are not candidates")
    func closedAreSkipped() async throws {
        try await withTestDatabase { db in
            let a = try await enroll(db, "Jon", "Smith", email: "jon+1@example.com")
            let b = try await enroll(db, "Jon", "Smith", email: "jon+2@example.com")
            #expect(try await db.store.memberDuplicates(minimumScore: 50, limit: 10, member: nil).count == 1)
            _ = try await db.store.mergeMembers(
                keep: .number(try MemberNumber(parsing: a)), other: .number(try MemberNumber(parsing: b)), reason: "dup", actor: "test")
            #expect(try await db.store.memberDuplicates(minimumScore: 1, limit: 10, member: nil).isEmpty)
        }
    }

    @Test("a block shared by more than 20 members (an office address) says nothing")
    func largeBlocksAreSkipped() async throws {
        try await withTestDatabase { db in
            for index in 0..<21 {
                _ = try await enroll(db, "Staff\(index)", "Worker", address: ("Office Park 1", "80331"))
            }
            #expect(try await db.store.memberDuplicates(minimumScore: 1, limit: 100, member: nil).isEmpty)
        }
    }
}

private func enroll(
    _ db: TestDatabase, _ first: String, _ last: String, email: String? = nil, birth: String? = nil,
    address: (String, String)? = nil
) async throws -> String {
    try await db.store.enroll(
        NewMember(
            firstName: first, lastName: last, email: try email.map { try EmailAddress(parsing: $0) },
            birthDate: try birth.map { try CalendarDate(parsing: $0, argument: "birth") },
            address: PostalAddress(line1: address?.0, postalCode: address?.1)),
        origin: admin
    ).member
}

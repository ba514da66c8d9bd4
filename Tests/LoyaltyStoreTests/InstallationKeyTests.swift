import Crypto
import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

@Suite("Installation key")
struct InstallationKeyTests {
    @Test("created on first use: 32 bytes, mode 0600, in a new directory; read back as the same key")
    func createAndRead() throws {
        let directory = try makeTemporaryDirectory(prefix: "key")
        let path = directory + "/state/secret.key"
        let created = try InstallationKey.loadOrCreate(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        let again = try InstallationKey.loadOrCreate(at: path)
        let request = try RequestID(parsing: "r1")
        #expect(created.voucherCode(terminal: 1, request: request) == again.voucherCode(terminal: 1, request: request))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try InstallationKey(bytes: bytes).codeHash(RedemptionCode.random()).count == 32)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/state") == ["secret.key"], "a temporary file was left")
    }

    @Test("concurrent first uses (tasks in one process, each creating the file with link(2)) agree on one key")
    func concurrentCreation() async throws {
        let path = try makeTemporaryDirectory(prefix: "key") + "/secret.key"
        let request = try RequestID(parsing: "r1")
        let codes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try InstallationKey.loadOrCreate(at: path).voucherCode(terminal: 7, request: request).canonical }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(codes.count == 1)
    }

    @Test("a key file of the wrong size, or readable by others, is refused")
    func refusals() throws {
        let directory = try makeTemporaryDirectory(prefix: "key")
        let short = directory + "/short.key"
        FileManager.default.createFile(atPath: short, contents: Data(repeating: 1, count: 16), attributes: [.posixPermissions: 0o600])
        #expect(throws: LoyaltyError(.configuration, "the key file \(short) must hold exactly 32 bytes, not 16")) {
            try InstallationKey.loadOrCreate(at: short)
        }
        let open = directory + "/open.key"
        FileManager.default.createFile(atPath: open, contents: Data(repeating: 1, count: 32), attributes: [.posixPermissions: 0o640])
        #expect(throws: LoyaltyError(.configuration, "the key file \(open) can be read by other users (mode 640); chmod 600 it")) {
            try InstallationKey.loadOrCreate(at: open)
        }
        #expect(throws: LoyaltyError.self) { try InstallationKey(bytes: [1, 2, 3]) }
    }

    @Test("voucher codes are HMAC-SHA256 of terminal and request; stored hashes are keyed")
    func derivation() throws {
        let key = try InstallationKey(bytes: (1...32).map { UInt8($0) })
        let request = try RequestID(parsing: "till-1:0001")
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array("voucher|42|till-1:0001".utf8), using: SymmetricKey(data: (1...32).map { UInt8($0) }))
        #expect(key.voucherCode(terminal: 42, request: request) == (try RedemptionCode(encoding: Array(expected))))
        #expect(key.voucherCode(terminal: 42, request: request) != key.voucherCode(terminal: 43, request: request))
        #expect(key.voucherCode(terminal: 42, request: request) != key.voucherCode(terminal: 42, request: try RequestID(parsing: "till-1:0002")))
        let code = key.voucherCode(terminal: 42, request: request)
        let other = try InstallationKey(bytes: [UInt8](repeating: 0, count: 32))
        #expect(key.codeHash(code) != other.codeHash(code))
        #expect(key.codeHash(code) != Array(SHA256.hash(data: Array(code.canonical.utf8))))
    }
}

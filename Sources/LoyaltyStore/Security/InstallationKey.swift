#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import LoyaltyCore

/// The installation's secret key: 32 random bytes that the server and the CLI share (setting
/// `security.key-file`, default `<home>/secret.key`). Redemption codes are derived and hashed with it:
///
/// - the voucher code of a till's `CLAIM` is HMAC-SHA256(key, `voucher|<terminal id>|<req>`) written as a
///   ``RedemptionCode``, so that a retry of the claim recomputes the same code and nothing has to keep it;
/// - codes are stored only as HMAC-SHA256(key, `code|<13 characters>`), so that a copy of the database
///   without the key reveals no code and cannot be searched for one.
///
/// Whoever has the key can compute the codes of claims from their request ids: keep it like a password,
/// readable by the service's user only, and back it up with the database (without it, no issued voucher
/// can be checked or used).
public struct InstallationKey: Sendable {
    /// Bytes in a key.
    public static let byteCount = 32

    /// The key's bytes (kept as plain bytes: `SymmetricKey` is not `Sendable`).
    private let bytes: [UInt8]

    /// A key from its bytes, exactly ``byteCount`` of them.
    public init(bytes: some Collection<UInt8>) throws(LoyaltyError) {
        guard bytes.count == Self.byteCount else {
            throw LoyaltyError(.configuration, "an installation key has \(Self.byteCount) bytes, not \(bytes.count)")
        }
        self.bytes = Array(bytes)
    }

    /// Reads the key file at `path`; when there is none, creates it (and its directory) with 32 random
    /// bytes, readable by the owner only (0600). Two processes starting at once agree on one key: the new
    /// file is linked into place only if no other appeared first.
    ///
    /// - Throws: `CONFIGURATION` when the file cannot be read or created, does not hold exactly 32 bytes,
    ///   or can be read by other users than its owner.
    public static func loadOrCreate(at path: String) throws(LoyaltyError) -> InstallationKey {
        if let key = try read(at: path) { return key }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw LoyaltyError(.configuration, "cannot create \(directory) for the key file: \(error.localizedDescription)")
            }
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw LoyaltyError(.configuration, "cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == byteCount, synced == 0 else {
            throw LoyaltyError(.configuration, "cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
        // link(2) fails if the path exists: a key another process created meanwhile wins, and is read below.
        if link(temporary, path) != 0, errno != EEXIST {
            throw LoyaltyError(.configuration, "cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        guard let key = try read(at: path) else {
            throw LoyaltyError(.configuration, "the key file \(path) vanished while it was created")
        }
        return key
    }

    /// The key in the file, or nil when there is no file.
    static func read(at path: String) throws(LoyaltyError) -> InstallationKey? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw LoyaltyError(.configuration, "cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw LoyaltyError(
                .configuration,
                "the key file \(path) can be read by other users (mode \(String(status.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoyaltyError(.configuration, "cannot read the key file \(path)")
        }
        do {
            return try InstallationKey(bytes: data)
        } catch {
            throw LoyaltyError(.configuration, "the key file \(path) must hold exactly \(byteCount) bytes, not \(data.count)")
        }
    }

    /// A value that identifies the key without revealing it, kept in the database so that a process with
    /// another key (a copy of the CLI on another host that created its own) is refused, instead of issuing
    /// vouchers no till can use.
    public var checkValue: [UInt8] {
        authenticationCode("key-check")
    }

    /// HMAC-SHA256 of `message` under the key.
    func authenticationCode(_ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: bytes)))
    }

    /// A webhook subscription's signing secret: derived from the key and the subscription's random salt, so
    /// that it is never stored and the same for every sender of this installation.
    public func webhookSecret(salt: [UInt8]) -> String {
        "whsec_" + authenticationCode("webhook|" + salt.lowercaseHex).lowercaseHex
    }

    /// The voucher code of a till's claim: the same for every retry of the request, different for every
    /// terminal and request.
    public func voucherCode(terminal: Int64, request: RequestID) -> RedemptionCode {
        // 32 bytes always satisfy RedemptionCode's minimum of 8.
        (try? RedemptionCode(encoding: authenticationCode("voucher|\(terminal)|\(request.value)"))) ?? .random()
    }

    /// What is stored in place of a code: its keyed hash.
    public func codeHash(_ code: RedemptionCode) -> [UInt8] {
        authenticationCode("code|\(code.canonical)")
    }

    /// What is stored in place of a gift card's code.
    public func giftCardCodeHash(_ code: GiftCardCode) -> [UInt8] {
        authenticationCode("giftcard|\(code.canonical)")
    }

    /// What is stored in place of a gift card's PIN: bound to the card's code, so that two cards with
    /// the same PIN have different hashes and a hash cannot be tried against other cards.
    public func giftCardPINHash(_ pin: GiftCardPIN, code: GiftCardCode) -> [UInt8] {
        authenticationCode("giftcard-pin|\(code.canonical)|\(pin.digits)")
    }

    /// A request fingerprint that names a code, keyed so that the stored SHA-256 of it cannot be searched
    /// for the code: the verb, then the hex HMAC of the whole text.
    func keyedFingerprint(_ fingerprint: String, verb: String) -> String {
        verb + " " + authenticationCode("fingerprint|\(fingerprint)").hexEncoded
    }
}

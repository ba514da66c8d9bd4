import Crypto
import Foundation
import LoyaltyCore
import LoyaltySchema

/// One schema migration: an SQL file from `sql/migrations`, compiled into the binary.
///
/// Its version is the file name's 4-digit prefix (`0001_foundation.sql` is version 1); its checksum, the
/// SHA-256 of the SQL text in lower-case hex, is recorded when it is applied so that a file edited
/// afterwards is noticed.
public struct Migration: Sendable, Hashable {
    /// The number from the file name's 4-digit prefix.
    public let version: Int
    /// The file name, such as `0001_foundation.sql`.
    public let name: String
    /// The SQL text.
    public let sql: String
    /// SHA-256 of ``sql`` (its UTF-8 bytes), lower-case hex.
    public let checksum: String

    /// Creates a migration from a file name of the form `NNNN_words.sql` and its SQL.
    ///
    /// - Throws: ``LoyaltyError`` `.configuration` when the name does not have that form.
    public init(name: String, sql: String) throws(LoyaltyError) {
        guard let version = Self.version(of: name) else {
            throw LoyaltyError(
                .configuration,
                "migration file name \(name) must look like 0001_description.sql (4 digits, '_', a name, '.sql')"
            )
        }
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Self.checksum(of: sql)
    }

    /// Creates a migration from an embedded schema file.
    public init(_ file: SchemaFile) throws(LoyaltyError) {
        try self.init(name: file.name, sql: file.sql)
    }

    /// The migrations compiled into this binary (`LoyaltySchema.migrations`), in order.
    ///
    /// A malformed file name there is a programming error (the schema list test catches it) and stops the
    /// program with a message naming the file.
    public static let all: [Migration] = LoyaltySchema.migrations.map { file in
        do {
            return try Migration(file)
        } catch {
            preconditionFailure("LoyaltySchema.migrations: \(error)")
        }
    }

    /// The version encoded in a name like `0001_foundation.sql`, or `nil` if the name does not have that form.
    public static func version(of name: String) -> Int? {
        let bytes = Array(name.utf8)
        guard bytes.count > 9, name.hasSuffix(".sql"),
            bytes.prefix(4).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            bytes[4] == UInt8(ascii: "_"),
            !name.contains("/")
        else { return nil }
        return Int(String(decoding: bytes.prefix(4), as: UTF8.self))
    }

    /// SHA-256 of the text's UTF-8 bytes, lower-case hex.
    public static func checksum(of sql: String) -> String {
        SHA256.hash(data: Array(sql.utf8)).lowercaseHex
    }
}

extension Array where Element == Migration {
    /// The migrations compiled into this binary: ``Migration/all``.
    public static var all: [Migration] { Migration.all }
}

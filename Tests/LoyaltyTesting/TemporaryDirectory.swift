#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// Creates a new, empty directory with a short path (`/tmp/<prefix>XXXXXX`, mode 0700) and returns its path.
/// Short, because a PostgreSQL socket inside it must fit in a Unix socket address.
public func makeTemporaryDirectory(prefix: String = "loyalty-") throws -> String {
    var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.flatMap { mkdtemp($0) }
    }
    guard created != nil else {
        throw LoyaltyError(.configuration, "cannot create a temporary directory in /tmp: \(String(cString: strerror(errno)))")
    }
    return template.withUnsafeBufferPointer { buffer in
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Runs `body` with a new, empty temporary directory (see ``makeTemporaryDirectory(prefix:)``) and removes
/// the directory and everything in it afterwards.
@discardableResult
public func withTemporaryDirectory<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (String) async throws -> T
) async throws -> T {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

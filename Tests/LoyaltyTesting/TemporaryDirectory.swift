#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// Creates a new, empty directory with a short path (`/tmp/loyalty-<pid>-<prefix>XXXXXX`) and returns its
/// path. It is deleted when the test process exits (after stopping any embedded PostgreSQL in it), or by a
/// later test process if this one crashes.
///
/// Short, because a PostgreSQL socket inside it must fit in a Unix socket address. Mode 0711: others may
/// pass through but not list it, so that a test running as root can keep an embedded cluster (which then
/// runs as an unprivileged user) in a directory below it.
public func makeTemporaryDirectory(prefix: String = "") throws -> String {
    ClusterCleanup.installed
    var template = Array("/tmp/\(ClusterCleanup.prefix)\(getpid())-\(prefix)XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.flatMap { mkdtemp($0) }
    }
    guard created != nil else {
        throw LoyaltyError(.configuration, "cannot create a temporary directory in /tmp: \(String(cString: strerror(errno)))")
    }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    _ = chmod(path, 0o711)
    return path
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

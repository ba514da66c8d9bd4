#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore

/// An `--out` file for personal data: created new (an existing file is refused) with mode 0600 *before*
/// the work whose result it receives, so that a path that cannot be written refuses before anything is
/// changed or audited; synced when written, and removed again when the work or the writing fails.
struct PrivateFile {
    let path: String
    private let handle: FileHandle

    /// Creates `path`, refusing an existing file.
    static func create(_ path: String) throws(LoyaltyError) -> PrivateFile {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw LoyaltyError(.badArgument, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return PrivateFile(path: path, handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }

    /// Writes `text`, syncs and closes the file; removes it when that fails.
    func write(_ text: String) throws(LoyaltyError) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(path)
            throw LoyaltyError(.internal, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Closes and removes the file (the work it was for failed).
    func discard() {
        try? handle.close()
        unlink(path)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyCore
import LoyaltyStore

/// The `--out` file of `reward grant` (and `giftcard issue`): CSV, created new with mode 0600 and synced
/// before the grant commits.
enum CodesFile {
    static func write(_ outcomes: [GrantOutcome], reward: RewardCode, to path: String) throws {
        var text = "member,code,expires,reward\n"
        for outcome in outcomes {
            guard let code = outcome.code else { continue }
            text += "\(outcome.member),\(code.grouped),\(outcome.expires ?? ""),\(reward.value)\n"
        }
        try create(path, text: text, nothing: "nothing was granted")
    }

    /// Creates `path` new (refusing an existing file), mode 0600, with `text`, synced to disk; removes it
    /// again when writing fails. `nothing` says in the error what did not happen.
    static func create(_ path: String, text: String, nothing: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw LoyaltyError(.badArgument, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(path)
            throw LoyaltyError(.internal, "cannot write \(path): \(error.localizedDescription); \(nothing)")
        }
    }
}

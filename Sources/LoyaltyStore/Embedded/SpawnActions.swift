#if canImport(Glibc)
import Foundation
import Glibc

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29) and `…_addclosefrom_np` (2.34) are GNU extensions
/// that Swift's Glibc module does not declare; they are looked up at run time. Without `closefrom`, each
/// descriptor open now is closed one by one.
enum SpawnActions {
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// The child starts in `directory` (if this glibc can do it; otherwise it inherits ours).
    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) {
        _ = addChdir?(&actions, directory)
    }

    /// The child inherits stdin, stdout and stderr only. `output` is the descriptor already duplicated onto
    /// stdout and stderr: it must stay open until those duplications are done, so it is closed by its
    /// close-on-exec flag instead.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t, keeping output: Int32) {
        if let addCloseFrom {
            // closefrom runs after the dup2 actions added before it.
            _ = addCloseFrom(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 && descriptor != output {
            if fcntl(descriptor, F_GETFD) >= 0 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
    }
}
#endif

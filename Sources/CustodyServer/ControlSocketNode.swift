#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import Foundation

/// The control socket's node, made by custodyd when systemd passes none.
enum ControlSocketNode {
    /// A Unix stream socket bound at `path`, not yet listening, whose node never exists
    /// with any permission for group or others (the final mode and group are applied
    /// once it is bound). A stale socket left at `path` by an earlier run is replaced;
    /// anything else there is refused.
    ///
    /// The mode is the socket inode's, set before `bind`: Linux gives the node it creates
    /// the socket's own mode less the umask. Changing the process-wide umask instead would
    /// race with every other thread creating files and directories at the same moment.
    static func bind(path: String) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // The path and its NUL must fit sun_path; a longer one would be cut silently.
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw SystemCallError(call: "bind", subject: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = try systemCall("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do {
            // Owner only until applySocketPermissions: nobody can connect before the mode and group are final.
            try systemCall("fchmod", path) { fchmod(fd, 0o600) }
            try removeStaleSocket(path)
            try systemCall("bind", path) {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// Unlinks a socket left at `path`; refuses to remove anything that is not a socket.
    private static func removeStaleSocket(_ path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw SystemCallError(call: "lstat", subject: path, errno: errno)
        }
        // Only a socket is ours to replace: a file, directory or symlink there is someone else's.
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw SystemCallError(call: "bind", subject: path, errno: EEXIST)
        }
        try systemCall("unlink", path) { unlink(path) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import CustodyCore

extension BlobStore {
    /// Removes a stored blob (retention): its name, then the directory entry made
    /// durable. Returns false when it was already gone.
    @discardableResult
    public func remove(_ sha256: String) throws(SystemCallError) -> Bool {
        let p = path(for: sha256)
        guard unlink(p) == 0 else {
            let code = errno
            if code == ENOENT { return false }
            throw SystemCallError(call: "unlink", subject: p, errno: code)
        }
        return true
    }
}

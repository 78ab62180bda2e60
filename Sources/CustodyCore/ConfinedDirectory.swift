#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem

/// Which file a descriptor or a path is: its device and inode numbers (`st_dev`, `st_ino`).
/// Two opens that give the same identity reached the same file, whatever names led there.
public struct FileIdentity: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// `fstat(2)` of an open descriptor.
    public static func of(fd: Int32, subject: String) throws(SystemCallError) -> (FileIdentity, stat) {
        var status = stat()
        try systemCall("fstat", subject) { fstat(fd, &status) }
        return (FileIdentity(status), status)
    }

    public var description: String { "device \(device), inode \(inode)" }
}

/// How a path is resolved beneath a held directory without following links.
public enum PathResolver: Sendable, Equatable {
    /// `openat2(2)` with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`
    /// (Linux 5.6 and later): the kernel refuses every link and every way out.
    case openat2
    /// `openat(2)` one component at a time, each with `O_NOFOLLOW`, ".." refused: the
    /// fallback where `openat2` is missing (older kernels, seccomp filters that refuse it).
    case componentWalk

    /// What this kernel offers, probed once: `openat2` unless it answers `ENOSYS` or `EPERM`.
    public static let preferred: PathResolver = {
        let fd = custody_openat2_no_links(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | custody_o_path(), 0)
        if fd >= 0 {
            close(fd)
            return .openat2
        }
        return .componentWalk
    }()
}

/// A directory held open by descriptor. Everything beneath it is opened relative to
/// that descriptor, never by a path string, never through a symbolic link (nor a
/// `/proc` magic link), never above it: renaming the directory, or replacing it or
/// any directory below it by a link after it was opened, cannot lead anywhere else.
/// The model is Go's `os.Root` and systemd's `chase()`.
public final class ConfinedDirectory: Sendable {
    /// The descriptor (`O_RDONLY | O_DIRECTORY`), closed when this is released.
    public let fd: Int32
    /// Where it was opened, for messages only (never reopened by this name).
    public let path: String
    public let resolver: PathResolver

    private init(fd: Int32, path: String, resolver: PathResolver) {
        self.fd = fd
        self.path = path
        self.resolver = resolver
    }

    deinit { close(fd) }

    /// Opens the directory at absolute `path` without following a link in any component.
    /// - Throws: ``SystemCallError``: `ELOOP` when a component is a symbolic link,
    ///   `ENOTDIR` when the path is not a directory, `ENOENT`, `EACCES`…
    /// With `listable` false it is opened `O_PATH` (search permission is enough): files
    /// beneath it can be opened, its entries cannot be listed.
    public static func open(absolute path: String, listable: Bool = true,
                            resolver: PathResolver = .preferred) throws(SystemCallError) -> ConfinedDirectory {
        let fd = try openAbsolute(path, flags: (listable ? O_RDONLY : custody_o_path()) | O_DIRECTORY, resolver: resolver)
        return ConfinedDirectory(fd: fd, path: path, resolver: resolver)
    }

    /// Takes over `fd`, a directory descriptor opened without following links (see
    /// ``openAbsolute(_:flags:resolver:)``); it is closed when this is released.
    public static func adopting(_ fd: Int32, path: String, resolver: PathResolver = .preferred) -> ConfinedDirectory {
        ConfinedDirectory(fd: fd, path: path, resolver: resolver)
    }

    /// Opens any file at absolute `path` (`flags` as for `open`; `O_NOFOLLOW` and
    /// `O_CLOEXEC` are added) without following a link in any component.
    public static func openAbsolute(_ path: String, flags: Int32, resolver: PathResolver = .preferred) throws(SystemCallError) -> Int32 {
        guard path.hasPrefix("/") else { throw SystemCallError(call: "open", subject: path, errno: EINVAL) }
        let relative = String(path.drop { $0 == "/" })
        if relative.isEmpty {
            return try systemCall("open", path) { Glibc.open("/", flags | O_NOFOLLOW | O_CLOEXEC) }
        }
        let top = try systemCall("open", "/") { Glibc.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC | custody_o_path()) }
        defer { close(top) }
        return try openBeneath(top, relative, flags: flags, resolver: resolver, subject: path)
    }

    /// Opens `relative` beneath this directory (`flags` as for `open`; `O_NOFOLLOW` and
    /// `O_CLOEXEC` are added). `relative` must not be absolute nor hold "..".
    /// - Throws: ``SystemCallError``: `ELOOP` when any component is a link, `EXDEV`
    ///   when the path would leave this directory, `ENOENT`, `EACCES`…
    public func open(_ relative: String, flags: Int32) throws(SystemCallError) -> Int32 {
        try Self.openBeneath(fd, relative, flags: flags, resolver: resolver, subject: subject(relative))
    }

    /// The directory `relative` beneath this one, held open the same way.
    public func directory(_ relative: String) throws(SystemCallError) -> ConfinedDirectory {
        let child = try open(relative, flags: O_RDONLY | O_DIRECTORY)
        return ConfinedDirectory(fd: child, path: subject(relative), resolver: resolver)
    }

    /// This directory's identity (`fstat`).
    public func identity() throws(SystemCallError) -> FileIdentity {
        try FileIdentity.of(fd: fd, subject: path).0
    }

    /// One entry of a directory, with what `fstatat(AT_SYMLINK_NOFOLLOW)` says of it.
    public struct Entry: Sendable {
        public var name: String
        public var status: stat
        public var kind: mode_t { status.st_mode & S_IFMT }
        public var identity: FileIdentity { FileIdentity(status) }
    }

    /// What an entry of ``entries()`` could not be stat-ed for (it vanished meanwhile).
    public struct EntryFailure: Sendable {
        public var name: String
        public var error: SystemCallError
    }

    /// The directory's entries (not "." and ".."), each stat-ed without following links.
    public func entries() throws(SystemCallError) -> (entries: [Entry], failures: [EntryFailure]) {
        // A second descriptor for the stream: closedir closes it, ours stays open.
        let listing = try systemCall("openat", path) { openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(listing) else {
            let code = errno
            close(listing)
            throw SystemCallError(call: "fdopendir", subject: path, errno: code)
        }
        defer { closedir(stream) }
        var entries: [Entry] = []
        var failures: [EntryFailure] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError(call: "readdir", subject: path, errno: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var status = stat()
            if fstatat(fd, name, &status, AT_SYMLINK_NOFOLLOW) == 0 {
                entries.append(Entry(name: name, status: status))
            } else {
                failures.append(EntryFailure(name: name, error: SystemCallError(call: "fstatat", subject: subject(name), errno: errno)))
            }
        }
        return (entries, failures)
    }

    private func subject(_ relative: String) -> String {
        path.hasSuffix("/") ? path + relative : path + "/" + relative
    }

    // MARK: Resolution

    /// Opens `relative` beneath `directory` with the chosen resolver.
    static func openBeneath(_ directory: Int32, _ relative: String, flags: Int32, resolver: PathResolver,
                            subject: String) throws(SystemCallError) -> Int32 {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // Both resolvers refuse the same paths: nothing absolute, nothing that climbs.
        guard !relative.hasPrefix("/"), !components.isEmpty, !components.contains("..") else {
            throw SystemCallError(call: "open", subject: subject, errno: EXDEV)
        }
        switch resolver {
        case .openat2:
            do {
                return try systemCall("openat2", subject) {
                    custody_openat2_no_links(directory, relative, flags | O_NOFOLLOW, 1)
                }
            } catch where error.errno == ENOTDIR && isLink(directory, relative) {
                // O_DIRECTORY | O_NOFOLLOW on a link says ENOTDIR: say ELOOP, as for any other link.
                throw SystemCallError(call: "openat2", subject: subject, errno: ELOOP)
            }
        case .componentWalk:
            return try walk(directory, components, flags: flags, subject: subject)
        }
    }

    /// Whether `relative` (its directories resolved without links) is itself a link.
    private static func isLink(_ directory: Int32, _ relative: String) -> Bool {
        let fd = custody_openat2_no_links(directory, relative, custody_o_path() | O_NOFOLLOW, 1)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var status = stat()
        return fstat(fd, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    /// The fallback: each directory on the way opened `O_PATH | O_DIRECTORY | O_NOFOLLOW`
    /// relative to the one before, the last component `O_NOFOLLOW`; a link anywhere is
    /// `ELOOP`, as `openat2` reports it.
    private static func walk(_ start: Int32, _ components: [String], flags: Int32, subject: String) throws(SystemCallError) -> Int32 {
        var current = start
        var owned = false
        defer { if owned { close(current) } }
        for (index, component) in components.enumerated() where component != "." {
            let last = index == components.count - 1
            let componentFlags = last ? flags | O_NOFOLLOW | O_CLOEXEC : O_PATH_DIRECTORY_NOFOLLOW
            var next: Int32
            repeat { next = openat(current, component, componentFlags) } while next < 0 && errno == EINTR
            if next < 0 {
                var code = errno
                // A link where a directory was expected fails ENOTDIR (or ELOOP): say ELOOP.
                var status = stat()
                if code == ENOTDIR || code == ELOOP, fstatat(current, component, &status, AT_SYMLINK_NOFOLLOW) == 0,
                   status.st_mode & S_IFMT == S_IFLNK {
                    code = ELOOP
                }
                throw SystemCallError(call: "openat", subject: subject, errno: code)
            }
            if owned { close(current) }
            current = next
            owned = true
        }
        if !owned {
            // Only "." components: the start directory itself.
            return try systemCall("openat", subject) { openat(start, ".", flags | O_CLOEXEC) }
        }
        owned = false
        return current
    }

    private static let O_PATH_DIRECTORY_NOFOLLOW = custody_o_path() | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
}

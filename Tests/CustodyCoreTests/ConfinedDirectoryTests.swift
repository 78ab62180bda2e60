#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

/// Both resolvers refuse the same things: the kernel's openat2 and the per-component
/// O_NOFOLLOW walk used where openat2 is missing.
@Suite("Opening beneath a held directory")
struct ConfinedDirectoryTests {
    static let resolvers: [PathResolver] = [.openat2, .componentWalk]

    /// A tree: root/a/b/file.txt, root/outside-link -> a secret beside the root,
    /// root/a/linked -> the secret's directory, root/fifo.
    struct Tree {
        let dir: TemporaryDirectory
        var root: String { dir.path + "/root" }
        var secret: String { dir.path + "/secret/station.key" }

        init() throws {
            dir = try TemporaryDirectory("custody-confined")
            try dir.write("root/a/b/file.txt", Data("evidence".utf8))
            try dir.write("secret/station.key", Data("private".utf8))
            try FileManager.default.createSymbolicLink(atPath: root + "/outside-link", withDestinationPath: secret)
            try FileManager.default.createSymbolicLink(atPath: root + "/a/linked", withDestinationPath: dir.path + "/secret")
            #expect(mkfifo(root + "/fifo", 0o600) == 0)
        }

        func contents(_ fd: Int32) -> String {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = read(fd, &buffer, 64)
            return String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
        }
    }

    func expectErrno(_ code: Int32, _ body: () throws(SystemCallError) -> Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let fd = try body()
            close(fd)
            Issue.record("opened, expected errno \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.errno == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("the openat2 resolver is what this kernel offers")
    func preferred() {
        // Linux 5.6+ has openat2; the machines Custody runs on have it.
        #expect(PathResolver.preferred == .openat2)
    }

    @Test("a file beneath the root opens, by a relative path", arguments: resolvers)
    func opensBeneath(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        #expect(tree.contents(try root.open("a/b/file.txt", flags: O_RDONLY)) == "evidence")
        let b = try root.directory("a/b")
        #expect(tree.contents(try b.open("file.txt", flags: O_RDONLY)) == "evidence")
    }

    @Test("a symbolic link as the last component is refused (ELOOP)", arguments: resolvers)
    func lastComponentLink(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        expectErrno(ELOOP) { () throws(SystemCallError) in try root.open("outside-link", flags: O_RDONLY) }
    }

    @Test("a symbolic link as a directory on the way is refused (ELOOP)", arguments: resolvers)
    func intermediateLink(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        expectErrno(ELOOP) { () throws(SystemCallError) in try root.open("a/linked/station.key", flags: O_RDONLY) }
        expectErrno(ELOOP) { () throws(SystemCallError) in try root.directory("a/linked").fd }
    }

    @Test("a directory swapped for a link after the root was opened leads nowhere", arguments: resolvers)
    func swappedAfterOpen(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        try FileManager.default.moveItem(atPath: tree.root + "/a", toPath: tree.dir.path + "/a-moved")
        try FileManager.default.createSymbolicLink(atPath: tree.root + "/a", withDestinationPath: tree.dir.path + "/secret")
        expectErrno(ELOOP) { () throws(SystemCallError) in try root.open("a/station.key", flags: O_RDONLY) }
    }

    @Test("the root itself renamed and replaced by a link: the held descriptor still reads the original", arguments: resolvers)
    func rootSwapped(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        try FileManager.default.moveItem(atPath: tree.root, toPath: tree.dir.path + "/root-moved")
        try FileManager.default.createSymbolicLink(atPath: tree.root, withDestinationPath: tree.dir.path + "/secret")
        #expect(tree.contents(try root.open("a/b/file.txt", flags: O_RDONLY)) == "evidence")
        expectErrno(ENOENT) { () throws(SystemCallError) in try root.open("station.key", flags: O_RDONLY) }
        // Opening the root's path again does not follow the link now there.
        expectErrno(ELOOP) { () throws(SystemCallError) in try ConfinedDirectory.open(absolute: tree.root, resolver: resolver).fd }
    }

    @Test("'..', absolute paths and /proc magic links are refused", arguments: resolvers)
    func noWayOut(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        expectErrno(EXDEV) { () throws(SystemCallError) in try root.open("../secret/station.key", flags: O_RDONLY) }
        expectErrno(EXDEV) { () throws(SystemCallError) in try root.open("a/../../secret/station.key", flags: O_RDONLY) }
        expectErrno(EXDEV) { () throws(SystemCallError) in try root.open(tree.secret, flags: O_RDONLY) }
        // A descriptor on the secret, reached through /proc/PID/fd: a magic link.
        let secretFD = open(tree.secret, O_RDONLY)
        defer { close(secretFD) }
        let proc = try ConfinedDirectory.open(absolute: "/proc/\(getpid())/fd", resolver: resolver)
        expectErrno(ELOOP) { () throws(SystemCallError) in try proc.open("\(secretFD)", flags: O_RDONLY) }
        expectErrno(ELOOP) { () throws(SystemCallError) in
            try ConfinedDirectory.openAbsolute("/proc/\(getpid())/fd/\(secretFD)", flags: O_RDONLY, resolver: resolver)
        }
        // /proc/self is itself a link: not followed either.
        expectErrno(ELOOP) { () throws(SystemCallError) in try ConfinedDirectory.open(absolute: "/proc/self/fd", resolver: resolver).fd }
    }

    @Test("an absolute path with a link in any component is refused", arguments: resolvers)
    func absoluteWithLink(_ resolver: PathResolver) throws {
        let tree = try Tree()
        try FileManager.default.createSymbolicLink(atPath: tree.dir.path + "/via", withDestinationPath: tree.root)
        expectErrno(ELOOP) { () throws(SystemCallError) in try ConfinedDirectory.openAbsolute(tree.dir.path + "/via/a/b/file.txt", flags: O_RDONLY, resolver: resolver) }
        let fd = try ConfinedDirectory.openAbsolute(tree.root + "/a/b/file.txt", flags: O_RDONLY, resolver: resolver)
        #expect(tree.contents(fd) == "evidence")
    }

    @Test("a FIFO opens at once with O_NONBLOCK, and fstat says what it is", arguments: resolvers)
    func fifo(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        let fd = try root.open("fifo", flags: O_RDONLY | O_NONBLOCK)
        defer { close(fd) }
        let (_, status) = try FileIdentity.of(fd: fd, subject: "fifo")
        #expect(status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("entries are listed with what lstat says, links not followed", arguments: resolvers)
    func entries(_ resolver: PathResolver) throws {
        let tree = try Tree()
        let root = try ConfinedDirectory.open(absolute: tree.root, resolver: resolver)
        let listed = try root.entries()
        let kinds = Dictionary(uniqueKeysWithValues: listed.entries.map { ($0.name, $0.kind) })
        #expect(kinds == ["a": S_IFDIR, "outside-link": S_IFLNK, "fifo": S_IFIFO])
        #expect(listed.failures.isEmpty)
    }
}

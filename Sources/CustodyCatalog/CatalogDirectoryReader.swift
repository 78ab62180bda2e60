#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CustodyCore

/// Finds and reads the files of the catalog directories.
///
/// - Each directory's `*.toml` files are read in byte order of their names;
///   hidden files (`.x.toml`), other files (`README.md`, `x.toml~`) and
///   subdirectories are ignored.
/// - A directory that does not exist holds no files; a path that exists but is
///   not a readable directory is an error.
/// - A file in a later directory replaces the file of the same name in an earlier
///   one (as `/etc/udev/rules.d` does `/usr/lib/udev/rules.d`): an empty
///   `/etc/custody/catalog.d/fallback-audio.toml` switches the shipped audio
///   fallback off.
/// - Files are read directory by directory, so entries of a later directory
///   override entries of an earlier one with the same match keys.
enum CatalogDirectoryReader {
    static func files(in directories: [String]) throws(CatalogError) -> [String] {
        // name → (directory index, path); a later directory replaces an earlier one.
        var chosen: [String: (directory: Int, path: String)] = [:]
        for (index, directory) in directories.enumerated() {
            for name in try tomlFiles(in: directory) {
                chosen[name] = (index, join(directory, name))
            }
        }
        return chosen.sorted { a, b in
            a.value.directory != b.value.directory ? a.value.directory < b.value.directory
                : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }.map(\.value.path)
    }

    /// The names of the `*.toml` regular files (or links to them) in `directory`.
    private static func tomlFiles(in directory: String) throws(CatalogError) -> [String] {
        var info = stat()
        if stat(directory, &info) != 0 {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return [] }
            throw unreadable(directory, error)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw CatalogError(file: directory, line: 0, code: .unreadable, message: "not a directory")
        }
        guard let dir = opendir(directory) else { throw unreadable(directory, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".toml"), !name.hasPrefix(".") else { continue }
            let path = join(directory, name)
            var fileInfo = stat()
            if stat(path, &fileInfo) != 0 {
                // A dangling link or a file that vanished: say so rather than skip it.
                throw unreadable(path, errno)
            }
            if fileInfo.st_mode & S_IFMT == S_IFDIR { continue }
            names.append(name)
        }
        return names
    }

    /// The bytes of `path`.
    static func contents(of path: String) throws(CatalogError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 16 << 20 {
                throw CatalogError(file: path, line: 0, code: .unreadable, message: "larger than 16 MiB: not a catalog file")
            }
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func unreadable(_ path: String, _ error: Int32) -> CatalogError {
        CatalogError(file: path, line: 0, code: .unreadable, message: "cannot read: \(String(cString: strerror(error)))")
    }
}

#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyStore
import Foundation

/// Lists the files of an operator-given source: a directory tree or a single file.
/// Symbolic links are never followed and special files are never read; each is
/// listed with the reason it was not ingested, so the job accounts for it.
public enum SourceScanner {
    /// Files under `root`, with paths relative to it (a single file: its own name).
    public static func scan(root: String) throws(IngestError) -> [PlannedFile] {
        var st = stat()
        guard lstat(root, &st) == 0 else {
            throw IngestError(.pathNotFound, "cannot read \(root): \(String(cString: strerror(errno)))")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return [PlannedFile(path: (root as NSString).lastPathComponent, size: Int64(st.st_size), modifiedAt: modificationDate(st))]
        case S_IFDIR:
            var files: [PlannedFile] = []
            walk(root, relative: "", into: &files, depth: 0)
            return files.sorted { $0.path < $1.path }
        default:
            throw IngestError(.badRequest, "\(root) is neither a directory nor a regular file")
        }
    }

    /// The directory that a job's relative paths are under.
    public static func base(ofRoot root: String) -> String {
        var st = stat()
        if lstat(root, &st) == 0, st.st_mode & S_IFMT == S_IFREG { return (root as NSString).deletingLastPathComponent }
        return root
    }

    private static func walk(_ directory: String, relative: String, into files: inout [PlannedFile], depth: Int) {
        guard depth < 256 else {
            files.append(PlannedFile(path: relative, size: 0, modifiedAt: nil, failure: "directory nesting deeper than 256 levels; not read"))
            return
        }
        guard let dir = opendir(directory) else {
            let reason = String(cString: strerror(errno))
            files.append(PlannedFile(path: relative.isEmpty ? "." : relative + "/", size: 0, modifiedAt: nil,
                                     failure: "directory cannot be read: \(reason)"))
            return
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let full = directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else {
                files.append(PlannedFile(path: rel, size: 0, modifiedAt: nil, failure: "vanished while listing: \(String(cString: strerror(errno)))"))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                files.append(PlannedFile(path: rel, size: Int64(st.st_size), modifiedAt: modificationDate(st)))
            case S_IFDIR:
                walk(full, relative: rel, into: &files, depth: depth + 1)
            case S_IFLNK:
                files.append(PlannedFile(path: rel, size: 0, modifiedAt: nil, failure: "symbolic link; not followed"))
            default:
                files.append(PlannedFile(path: rel, size: 0, modifiedAt: nil, failure: "not a regular file (device, socket or pipe); not read"))
            }
        }
    }

    static func modificationDate(_ st: stat) -> Date {
        Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}

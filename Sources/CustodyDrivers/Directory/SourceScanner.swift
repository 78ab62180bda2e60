#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyIngest
import CustodyStore
import Foundation

/// Opens the root of a source (a directory tree or a single file) and lists its files.
/// The root is opened once, without following a link in any component of its path;
/// everything beneath it is listed and opened relative to that descriptor
/// (``ConfinedDirectory``), so a directory renamed or replaced by a symbolic link after
/// the check cannot lead anywhere else. Symbolic links are never followed and special
/// files are never read; each is listed with the reason it was not ingested, so the job
/// accounts for it.
enum SourceScanner {
    /// Deepest directory nesting listed below a root.
    static let maximumDepth = 256

    /// Opens `root` (an absolute path holding no symbolic link) for a new job: its files
    /// are listed with paths relative to it (a single file: its own name), and the job
    /// keeps which file it is. A directory whose identity is `protected` (custodyd's
    /// state directory) is never listed.
    /// - Throws: ``IngestError`` when the root cannot be opened, is reached through a
    ///   link, or is neither a directory nor a regular file.
    static func open(root: String, protected: FileIdentity? = nil, resolver: PathResolver = .preferred) throws(IngestError) -> DirectorySource {
        switch try openRoot(root, expected: nil, protected: protected, resolver: resolver) {
        case .directory(let directory, let identity):
            return DirectorySource(root: directory, singleFile: nil, location: root, rootIdentity: identity, protected: protected)
        case .file(let parent, let name, let status):
            let identity = FileIdentity(status)
            return DirectorySource(root: parent, singleFile: identity, location: root, rootIdentity: identity,
                                   singleEntry: PlannedFile(path: name, size: Int64(status.st_size), modifiedAt: modificationDate(status)))
        }
    }

    /// Opens a job's root again to read its files: the same directory or file as when
    /// the job was checked (`expected`), or a refusal naming what changed.
    /// - Throws: ``IngestError`` `source-replaced` when the root is now a link or
    ///   another file; `path-not-found` when it is gone.
    static func reopen(root: String, expected: FileIdentity?, resolver: PathResolver = .preferred) throws(IngestError) -> DirectorySource {
        switch try openRoot(root, expected: expected, protected: nil, resolver: resolver) {
        case .directory(let directory, let identity):
            return DirectorySource(root: directory, singleFile: nil, location: root, rootIdentity: identity)
        case .file(let parent, _, let status):
            return DirectorySource(root: parent, singleFile: FileIdentity(status), location: root, rootIdentity: FileIdentity(status))
        }
    }

    /// A root opened: a directory held by descriptor, or a single file's directory
    /// (search-only) with the file's name and status.
    enum OpenedRoot {
        case directory(ConfinedDirectory, FileIdentity)
        case file(parent: ConfinedDirectory, name: String, status: stat)
    }

    static func openRoot(_ root: String, expected: FileIdentity?, protected: FileIdentity?,
                         resolver: PathResolver) throws(IngestError) -> OpenedRoot {
        let fd: Int32
        do {
            // O_NONBLOCK: a FIFO at the root opens at once (and is refused below) instead
            // of waiting for a writer.
            fd = try ConfinedDirectory.openAbsolute(root, flags: O_RDONLY | O_NONBLOCK, resolver: resolver)
        } catch {
            switch error.errno {
            case ELOOP:
                throw IngestError(.sourceReplaced, "\(root) is a symbolic link, or lies beneath one; it is not followed and nothing is read through it")
            case ENOENT, ENOTDIR:
                throw IngestError(.pathNotFound, "cannot read \(root): it no longer exists")
            default:
                throw IngestError(.pathNotFound, "cannot read \(root): \(error.reason)")
            }
        }
        let identity: FileIdentity, status: stat
        do { (identity, status) = try FileIdentity.of(fd: fd, subject: root) } catch {
            close(fd)
            throw IngestError(.pathNotFound, "cannot read \(root): \(error)")
        }
        if let expected, identity != expected {
            close(fd)
            throw IngestError(.sourceReplaced, "\(root) was replaced since the job was checked (it was \(expected), it is now \(identity)); nothing is read from it")
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            if let protected, identity == protected {
                close(fd)
                throw IngestError(.pathNotAllowed, "\(root) is custodyd's own state directory, which is never ingested")
            }
            return .directory(ConfinedDirectory.adopting(fd, path: root, resolver: resolver), identity)
        case S_IFREG:
            close(fd)
            let name = (root as NSString).lastPathComponent
            let parentPath = (root as NSString).deletingLastPathComponent
            let parent: ConfinedDirectory
            do { parent = try ConfinedDirectory.open(absolute: parentPath, listable: false, resolver: resolver) } catch {
                throw IngestError(.pathNotFound, "cannot open the directory of \(root): \(reason(error))")
            }
            // The file is opened again beneath its directory when read, and must be this one.
            return .file(parent: parent, name: name, status: status)
        default:
            close(fd)
            throw IngestError(.badRequest, "\(root) is neither a directory nor a regular file")
        }
    }

    /// Every file below `root`, depth first with an explicit stack, each directory opened
    /// beneath the root without following links.
    static func walk(_ root: ConfinedDirectory, protected: FileIdentity?) -> [PlannedFile] {
        var files: [PlannedFile] = []
        var stack: [(relative: String, depth: Int)] = [("", 0)]
        func failed(_ path: String, _ why: String) {
            files.append(PlannedFile(path: path, size: 0, modifiedAt: nil, failure: why))
        }
        while let (relative, depth) = stack.popLast() {
            guard depth < maximumDepth else {
                failed(relative, "directory nesting deeper than \(maximumDepth) levels; not read")
                continue
            }
            let directory: ConfinedDirectory
            if relative.isEmpty {
                directory = root
            } else {
                do { directory = try root.directory(relative) } catch {
                    failed(relative + "/", "directory cannot be read: \(reason(error))")
                    continue
                }
                // Swapped for the state directory between its listing and this open: never read.
                if let protected, (try? directory.identity()) == protected {
                    failed(relative + "/", "custodyd's own state directory; never ingested")
                    continue
                }
            }
            let listed: (entries: [ConfinedDirectory.Entry], failures: [ConfinedDirectory.EntryFailure])
            do { listed = try directory.entries() } catch {
                failed(relative.isEmpty ? "." : relative + "/", "directory cannot be read: \(reason(error))")
                continue
            }
            for failure in listed.failures {
                failed(relative.isEmpty ? failure.name : relative + "/" + failure.name,
                       "vanished while listing: \(failure.error.reason)")
            }
            for entry in listed.entries {
                let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
                switch entry.kind {
                case S_IFREG:
                    files.append(PlannedFile(path: path, size: Int64(entry.status.st_size), modifiedAt: modificationDate(entry.status)))
                case S_IFDIR:
                    if let protected, entry.identity == protected {
                        failed(path + "/", "custodyd's own state directory; never ingested")
                    } else {
                        stack.append((path, depth + 1))
                    }
                case S_IFLNK:
                    failed(path, "symbolic link; not followed")
                default:
                    failed(path, "not a regular file (device, socket or pipe); not read")
                }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Why an open beneath a root failed, in an operator's words.
    static func reason(_ error: SystemCallError) -> String {
        switch error.errno {
        case ELOOP: "is a symbolic link, or lies beneath one; not followed"
        case EXDEV: "leads outside its source; not followed"
        case ENOENT: "vanished"
        default: error.reason
        }
    }

    static func modificationDate(_ st: stat) -> Date {
        Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}

// What the independent tools say of a volume: The Sleuth Kit (fls, icat, fsstat) and
// blkid, run through CustodyTestSupport's ExternalTool.
import CustodyTestSupport
import CustodyVolumes
import Foundation

/// util-linux's view of a volume.
enum Blkid {
    /// `blkid -p -O OFFSET -o udev IMAGE`, without the "ID_FS_" prefix: TYPE, LABEL
    /// (UTF-8 as is; blanks would read "_"), UUID (the serial), VERSION….
    static func probe(_ image: String, byteOffset: UInt64) throws -> [String: String] {
        let output = try ExternalTool.blkid.runBlocking(["-p", "-O", String(byteOffset), "-o", "udev", image], timeout: 60)
        var fields: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ID_FS_") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[line.index(line.startIndex, offsetBy: 6)..<equals])] = String(line[line.index(after: equals)...])
        }
        return fields
    }
}

/// The Sleuth Kit's view of a volume.
enum SleuthKit {
    /// Virtual entries TSK adds that are not files of the volume.
    static let virtualNames: Set<String> = [
        "$MBR", "$FAT1", "$FAT2", "$OrphanFiles", "$ALLOC_BITMAP", "$UPCASE_TABLE", "$VOLUME_GUID", "$TEXFAT", "$ACT",
    ]

    struct Entry: Equatable {
        var path: String
        var inode: String
        var deleted: Bool
    }

    /// `fls -r -p [-o OFFSET] IMAGE`: regular files (r/r), without TSK's virtual entries
    /// and volume label entries.
    static func regularFiles(_ image: String, offset: UInt64) throws -> [Entry] {
        let output = try ExternalTool.fls.runBlocking(["-r", "-p", "-o", String(offset), image], timeout: 120)
        var entries: [Entry] = []
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            let head = line[..<tab]
            let path = String(line[line.index(after: tab)...])
            guard head.hasPrefix("r/r ") else { continue }
            if path.hasSuffix("(Volume Label Entry)") || path.hasPrefix("$OrphanFiles") { continue }
            if !path.contains("/") && virtualNames.contains(path) { continue }
            let deleted = head.contains("*")
            let inode = head.split(separator: " ").last.map { String($0.dropLast()) } ?? ""
            entries.append(Entry(path: path, inode: inode, deleted: deleted))
        }
        return entries
    }

    /// `fsstat`'s "key: value" lines.
    static func fsstat(_ image: String, offset: UInt64) throws -> [String: String] {
        let output = try ExternalTool.fsstat.runBlocking(["-o", String(offset), image], timeout: 60)
        var fields: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil {
                fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return fields
    }

    /// Streams `icat -o OFFSET IMAGE INODE` against `reader`, `bufferSize` bytes at a
    /// time, without holding either file; returns the number of bytes compared.
    /// Throws at the first difference, naming its offset.
    @discardableResult
    static func compare(_ image: String, offset: UInt64, inode: String, with reader: inout any VolumeFileReader,
                        bufferSize: Int, path: String) throws -> UInt64 {
        let running = try ExternalTool.icat.launch(["-o", String(offset), image, inode])
        let pipe = running.standardOutput
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var position: UInt64 = 0
        var failure: String?
        while failure == nil {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            var theirs = Data()
            while theirs.count < count, let more = try pipe.read(upToCount: count - theirs.count), !more.isEmpty {
                theirs.append(more)
            }
            if theirs.count < count {
                failure = "'\(path)': icat ended at byte \(position + UInt64(theirs.count)) but our reader gave more"
                break
            }
            let same = theirs.withUnsafeBytes { theirBytes in
                memcmp(theirBytes.baseAddress!, buffer.baseAddress!, count) == 0
            }
            if !same {
                let index = (0..<count).first { theirs[theirs.startIndex + $0] != buffer[$0] } ?? 0
                failure = "'\(path)': bytes differ from icat's at file offset \(position + UInt64(index))"
            }
            position += UInt64(count)
        }
        if failure == nil, let extra = try pipe.read(upToCount: 1), !extra.isEmpty {
            failure = "'\(path)': icat gives more than our \(position) bytes"
        }
        if failure != nil { running.terminate() }
        let outcome = try running.finish()
        if let failure { throw TestSetupError(description: failure) }
        guard outcome.status == 0 else {
            throw TestSetupError(description: "icat of '\(path)' exited with \(outcome.status)")
        }
        return position
    }
}

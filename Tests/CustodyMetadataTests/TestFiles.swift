// Scratch directories and files of the metadata tests. The independent tools (ffmpeg,
// sox, exiftool, mediainfo, espeak-ng) run through CustodyTestSupport's ExternalTool,
// at most two at once (ToolSlots.media), so the media encoding does not starve the
// other suites running in the same test process.
import CustodyMetadata
import Foundation

/// A temporary directory, removed when the value is released.
final class TempDir: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("custody-metadata-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Reads a file on disk the way the ingest does: through a ``FileDescriptorInput``.
func readMetadata(of file: URL) throws -> MediaMetadata {
    let handle = try FileHandle(forReadingFrom: file)
    defer { try? handle.close() }
    let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
    let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    return MetadataReader.read(FileDescriptorInput(fd: handle.fileDescriptor, size: size))
}

/// The bytes of a file on disk.
func bytes(of file: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: file))
}

// Scratch directories and files of the audio tests. The independent tools (sox, soxi,
// espeak-ng, mediainfo, exiftool) run through CustodyTestSupport's ExternalTool.
import Foundation

/// A fixture the tests need could not be made or read: the tests that need it fail
/// with this message.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// A fresh directory under the system's temporary directory.
struct TemporaryDirectory: Sendable {
    let path: String
    init(_ label: String = "custody-audio-test") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The bytes of a file.
func fileBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FixtureError(description: "cannot read \(path)")
    }
    return [UInt8](data)
}

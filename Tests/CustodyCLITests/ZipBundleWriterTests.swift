import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyCLI

/// The ZIP writer checked by readers that are not ours: Python's zipfile (which checks
/// every CRC-32 and the ZIP64 records) and Info-ZIP's `unzip -t`.
@Suite("ZIP bundles")
struct ZipBundleWriterTests {
    static let files: [(String, [UInt8])] = [
        ("evidence/1/FILE0001.MP4", (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }),
        ("evidence/2/Доказ 7.wav", Array("RIFF".utf8) + [UInt8](repeating: 0xA5, count: 70_001)),
        ("evidence/3/empty.txt", []),
        ("manifest.json", Array("{\"format\": \"custody-export/1\"}\n".utf8)),
    ]

    /// Runs an independent reader of the bundle: what it did, whatever its exit status.
    static func run(_ tool: ExternalTool, _ arguments: [String]) throws -> ToolOutcome {
        try tool.outcomeBlocking(arguments)
    }

    static let check = """
        import hashlib, json, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        print(json.dumps({i.filename: [i.file_size, hashlib.sha256(z.read(i)).hexdigest(), i.compress_type, i.external_attr >> 16]
                          for i in z.infolist()}, ensure_ascii=False))
        """

    @Test("entries read back byte for byte, CRCs check, names stay UTF-8; with and without ZIP64 records",
          arguments: [UInt64(UInt32.max), 1000])
    func roundTrip(threshold: UInt64) throws {
        let dir = try TemporaryDirectory("zip")
        let destination = dir.path + "/bundle.zip"
        var writer = try ZipBundleWriter(destination: destination, zip64Threshold: threshold)
        for (name, bytes) in Self.files {
            // Streamed in uneven pieces, as downloads arrive.
            try writer.add(path: name, size: Int64(bytes.count)) { sink in
                var at = 0
                while at < bytes.count {
                    let n = min(65_537, bytes.count - at)
                    try bytes[at..<at + n].withUnsafeBytes { try sink($0) }
                    at += n
                }
            }
        }
        try writer.finish()
        let python = try Self.run(.python3, ["-c", Self.check, destination])
        let output = python.output
        #expect(python.status == 0, "\(output)\(python.errors)")
        let listed = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [Any]]
        for (name, bytes) in Self.files {
            let entry = try #require(listed?[name], "\(name) in \(output)")
            #expect(entry[0] as? Int == bytes.count)
            #expect(entry[1] as? String == sha256Hex(bytes))
            #expect(entry[2] as? Int == 0, "stored")
            #expect(entry[3] as? Int == 0o100600)
        }
        let unzip = try Self.run(.unzip, ["-t", destination])
        #expect(unzip.status == 0 && unzip.output.contains("No errors detected"), "\(unzip.output)\(unzip.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bundle.zip"], "no staging file left")
    }

    @Test("a size that does not match what was announced fails, and discard leaves nothing")
    func shortEntry() throws {
        let dir = try TemporaryDirectory("zip")
        var writer = try ZipBundleWriter(destination: dir.path + "/b.zip")
        #expect(throws: CommandFailure.self) {
            try writer.add(path: "x", size: 10) { sink in try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try sink($0) } }
        }
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    // Computed by coreutils, not by us.
    let file = NSTemporaryDirectory() + "sha-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: file) }
    let output = (try? ExternalTool.sha256sum.runBlocking([file])).map { String(decoding: $0, as: UTF8.self) } ?? ""
    return String(output.prefix(64))
}

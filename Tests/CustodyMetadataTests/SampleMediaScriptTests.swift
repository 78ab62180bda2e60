// scripts/make-sample-media.sh: the evidence set it makes, read back by this module.
import CustodyMetadata
import CustodyTestSupport
import Foundation
import Testing

@Suite("Sample media set")
struct SampleMediaScriptTests {
    /// scripts/make-sample-media.sh, found by walking up from this source file.
    static func script() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("scripts/make-sample-media.sh")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw ToolError(.missing, "scripts/make-sample-media.sh not found above \(#filePath)")
    }

    @Test("every file the script makes reads back with the recording time it announces, not its mtime")
    func sampleSet() async throws {
        for tool in [ExternalTool.ffmpeg, .exiftool, .sox, .espeakNG] { _ = try tool.path() }
        let dir = try TempDir()
        let output = String(decoding: try await ExternalTool.bash.run([try Self.script().path, dir.url.path], slots: .media), as: UTF8.self)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 11)

        var containers: [String: String] = [:]
        for line in lines {
            let fields = line.split(separator: "\t").map(String.init)
            try #require(fields.count == 3, "unexpected line \(line)")
            let path = fields[0]
            let recorded = String(fields[1].dropFirst("recorded=".count))
            let mtime = try ToolTime.iso8601(String(fields[2].dropFirst("mtime=".count)))
            let file = dir.url.appendingPathComponent(path)
            let meta = try readMetadata(of: file)
            containers[path] = meta.container

            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect(attributes[.modificationDate] as? Date == mtime, "\(path)")
            if recorded == "none" {
                #expect(meta.recordedAt == nil, "\(path)")
            } else {
                let expected = try Self.instant(recorded)
                #expect(meta.recordedAt == expected, "\(path): \(meta)")
                #expect(meta.recordedAt != mtime, "\(path)")
            }
        }

        #expect(containers["DCIM/100BWC01/CLIP0001.MP4"] == "mp4")
        #expect(containers["DCIM/100BWC01/CLIP0005.MOV"] == "mov")
        #expect(containers["DCIM/101PHOTO/IMG_0002.JPG"] == "jpeg")
        #expect(containers["AUDIO/саслушање.wav"] == "bwf")
        #expect(containers["AUDIO/HEARING_0001.WAV"] == "bwf")
        #expect(containers["AUDIO/NOTE0001.WAV"] == "wav")

        let truncated = try readMetadata(of: dir.url.appendingPathComponent("DCIM/100BWC01/CLIP0004_TRUNCATED.MP4"))
        #expect(truncated.mediaType == "video/mp4")
        #expect(truncated.problems.contains { $0.hasPrefix("mp4: no 'moov' box found") })

        // Cross-check one photo against exiftool's own composite time.
        let photo = dir.url.appendingPathComponent("DCIM/101PHOTO/IMG_0003.JPG")
        let exif = try await ExternalTool.exiftoolObject(photo.path, slots: .media)
        #expect(exif["OffsetTimeOriginal"] as? String == "-05:00")
        #expect(try readMetadata(of: photo).utcOffsetSeconds == -5 * 3600)
    }

    /// "2026-03-14T09:45:42.5Z" with optional fractional seconds.
    static func instant(_ text: String) throws -> Date {
        guard let dot = text.firstIndex(of: ".") else { return try ToolTime.iso8601(text) }
        let whole = try ToolTime.iso8601(String(text[..<dot]) + "Z")
        let fraction = Double("0" + text[dot...].dropLast()) ?? 0
        return whole.addingTimeInterval(fraction)
    }
}

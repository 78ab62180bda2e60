import Foundation

/// What the independent media tools report, read the same way by every test that
/// cross-checks against them (audio segments, media metadata).
extension ExternalTool {
    /// `exiftool -j -n FILE`: its one JSON object.
    public static func exiftoolObject(_ path: String, slots: ToolSlots? = nil) async throws -> [String: Any] {
        let data = try await exiftool.run(["-j", "-n", path], slots: slots)
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], let first = array.first else {
            throw ToolError(.output, "exiftool printed no JSON object for \(path)")
        }
        return first
    }

    /// Every value of one (repeatable) tag: `exiftool -a -s3 -TAG FILE`.
    public static func exiftoolValues(_ tag: String, _ path: String, slots: ToolSlots? = nil) async throws -> [String] {
        let data = try await exiftool.run(["-a", "-s3", "-\(tag)", path], slots: slots)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `mediainfo --Output=JSON FILE`: its tracks by @type ("General", "Audio", "Video"),
    /// the first of each type.
    public static func mediainfoTracks(_ path: String, slots: ToolSlots? = nil) async throws -> [String: [String: Any]] {
        let data = try await mediainfo.run(["--Output=JSON", path], slots: slots)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let media = root["media"] as? [String: Any], let tracks = media["track"] as? [[String: Any]] else {
            throw ToolError(.output, "mediainfo printed no tracks for \(path)")
        }
        var byType: [String: [String: Any]] = [:]
        for track in tracks {
            if let type = track["@type"] as? String, byType[type] == nil { byType[type] = track }
        }
        return byType
    }

    /// `soxi -s FILE`: the frame count sox reads.
    public static func soxiFrames(_ path: String) async throws -> UInt64 {
        let text = String(decoding: try await soxi.run(["-s", path]), as: UTF8.self)
        guard let frames = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ToolError(.output, "soxi -s printed \"\(text)\" for \(path)")
        }
        return frames
    }

    /// A number a tool printed as a JSON number or as a string.
    public static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }
}

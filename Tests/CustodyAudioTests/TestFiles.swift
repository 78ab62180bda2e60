// Running the independent tools (sox, soxi, espeak-ng, mediainfo, exiftool) the tests cross-check against.
import Foundation
import Testing

/// A tool the tests need is missing, or it failed: the test FAILS with a message naming it.
struct ToolError: Error, CustomStringConvertible {
    var description: String
}

enum Tools {
    /// The absolute path of `name` on PATH, or a ``ToolError`` naming the tool.
    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError(description: "required tool '\(name)' is not installed (Debian: sox, espeak-ng, mediainfo, libimage-exiftool-perl, alsa-utils)")
    }

    /// Runs a tool to completion (TZ=UTC, C locale) and returns its standard output.
    /// Output goes through files, so a chatty tool never blocks; the wait does not
    /// hold a thread of the cooperative pool.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> Data {
        try await launch(name, arguments, environment: extra).standardOutput
    }

    /// Runs a tool to completion and returns what it printed on standard error
    /// (where `sox … stats` prints).
    static func runForStandardError(_ name: String, _ arguments: [String]) async throws -> String {
        String(decoding: try await launch(name, arguments, environment: [:]).standardError, as: UTF8.self)
    }

    private static func launch(_ name: String, _ arguments: [String],
                               environment extra: [String: String]) async throws -> (standardOutput: Data, standardError: Data) {
        let executable = try locate(name)
        let scratch = try TemporaryDirectory("custody-audio-tool")
        defer { scratch.remove() }
        let outPath = scratch.path + "/stdout", errPath = scratch.path + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        environment["LC_ALL"] = "C.UTF-8"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        guard process.terminationStatus == 0 else {
            throw ToolError(description: "\(name) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return (stdout, stderr)
    }

    /// `exiftool -j -n FILE`: its one JSON object.
    static func exiftool(_ path: String) async throws -> [String: Any] {
        let data = try await run("exiftool", ["-j", "-n", path])
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], let first = array.first else {
            throw ToolError(description: "exiftool printed no JSON object for \(path)")
        }
        return first
    }

    /// Every value of one (repeatable) tag: `exiftool -a -s3 -TAG FILE`.
    static func exiftoolValues(_ tag: String, _ path: String) async throws -> [String] {
        let data = try await run("exiftool", ["-a", "-s3", "-\(tag)", path])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `mediainfo --Output=JSON FILE`: its tracks by @type ("General", "Audio").
    static func mediainfo(_ path: String) async throws -> [String: [String: Any]] {
        let data = try await run("mediainfo", ["--Output=JSON", path])
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let media = root["media"] as? [String: Any], let tracks = media["track"] as? [[String: Any]] else {
            throw ToolError(description: "mediainfo printed no tracks for \(path)")
        }
        var byType: [String: [String: Any]] = [:]
        for track in tracks {
            if let type = track["@type"] as? String, byType[type] == nil { byType[type] = track }
        }
        return byType
    }

    /// `soxi -s FILE`: the frame count sox reads.
    static func soxiFrames(_ path: String) async throws -> UInt64 {
        let text = String(decoding: try await run("soxi", ["-s", path]), as: UTF8.self)
        guard let frames = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ToolError(description: "soxi -s printed \"\(text)\" for \(path)")
        }
        return frames
    }

    /// A number a tool printed as a JSON number or a string.
    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }
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
        throw ToolError(description: "cannot read \(path)")
    }
    return [UInt8](data)
}

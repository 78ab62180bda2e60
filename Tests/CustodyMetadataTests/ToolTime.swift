// Running the independent tools (ffmpeg, sox, exiftool, mediainfo, espeak-ng) the tests cross-check against.
import CustodyMetadata
import Foundation
import Testing

/// A tool the tests need is missing, or it failed. Tests throw this, so a missing
/// tool FAILS the test with a message naming it (`make test` installs the tools).
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
        throw ToolError(description: "required tool '\(name)' is not installed (scripts/install-deps.sh installs it; `make test` runs that)")
    }

    /// Runs a tool to completion with TZ=UTC and returns its standard output.
    /// At most ``ToolSlots/limit`` tools run at once, so the media encoding does not
    /// starve the other suites running in the same test process.
    @discardableResult
    static func run(_ name: String, _ arguments: [String]) async throws -> Data {
        let executable = try locate(name)
        await ToolSlots.shared.acquire()
        do {
            let output = try await launch(name, executable, arguments)
            await ToolSlots.shared.release()
            return output
        } catch {
            await ToolSlots.shared.release()
            throw error
        }
    }

    /// Output goes through files, not pipes, so a chatty tool can never block.
    private static func launch(_ name: String, _ executable: String, _ arguments: [String]) async throws -> Data {
        let scratch = try TempDir()
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        environment["LC_ALL"] = "C.UTF-8"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        // Wait without blocking a thread of the cooperative pool (other suites share it).
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
        let stdout = (try? Data(contentsOf: outURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            throw ToolError(description: "\(name) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(stderr)")
        }
        return stdout
    }

    /// ffmpeg, quiet, never waiting for input, overwriting its output.
    static func ffmpeg(_ arguments: [String]) async throws {
        try await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments)
    }

    /// `exiftool -j -n FILE`: the first (only) object of its JSON output.
    static func exiftool(_ file: URL) async throws -> [String: Any] {
        let data = try await run("exiftool", ["-j", "-n", file.path])
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], let first = array.first else {
            throw ToolError(description: "exiftool printed no JSON object for \(file.path)")
        }
        return first
    }

    /// `mediainfo --Output=JSON FILE`: its tracks, by @type ("General", "Audio", "Video").
    static func mediainfo(_ file: URL) async throws -> [String: [String: Any]] {
        let data = try await run("mediainfo", ["--Output=JSON", file.path])
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let media = root["media"] as? [String: Any], let tracks = media["track"] as? [[String: Any]] else {
            throw ToolError(description: "mediainfo printed no tracks for \(file.path)")
        }
        var byType: [String: [String: Any]] = [:]
        for track in tracks {
            if let type = track["@type"] as? String, byType[type] == nil { byType[type] = track }
        }
        return byType
    }
}

/// A counting semaphore for tool runs.
actor ToolSlots {
    static let limit = 2
    static let shared = ToolSlots()

    private var free = ToolSlots.limit
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Parsing the tools' own time strings, independently of the module under test.
enum ToolTime {
    /// "2026:03:14 09:26:53" (exiftool) or "2026-03-14 09:26:53 UTC" (mediainfo) read as UTC.
    static func utc(_ text: String) throws -> Date {
        let digits = text.unicodeScalars.map { CharacterSet.decimalDigits.contains($0) ? Character($0) : " " }
        let fields = String(digits).split(separator: " ").map(String.init)
        guard fields.count >= 6 else { throw ToolError(description: "cannot read a date from \"\(text)\"") }
        let iso = "\(fields[0])-\(fields[1])-\(fields[2])T\(fields[3]):\(fields[4]):\(fields[5])Z"
        return try iso8601(iso)
    }

    /// An ISO 8601 internet date-time ("2026-03-14T10:26:53+01:00").
    static func iso8601(_ text: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else {
            throw ToolError(description: "\"\(text)\" is not an ISO 8601 time")
        }
        return date
    }

    /// A number that a tool printed either as a JSON number or as a string.
    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }
}

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

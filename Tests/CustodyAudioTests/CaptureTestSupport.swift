// Running sessions to their end, and reading the files they write independently
// of the module under test.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Testing

/// Runs a session on the ALSA PCM its configuration names, to its end; returns every event.
func record(_ configuration: CaptureConfiguration) async -> [CaptureEvent] {
    await collect(CaptureSession(configuration: configuration))
}

/// Runs a session on `source`, to its end; returns every event.
func record(_ configuration: CaptureConfiguration, source: sending ScriptedPCMSource) async -> [CaptureEvent] {
    await collect(CaptureSession(configuration: configuration, source: source))
}

private func collect(_ session: CaptureSession) async -> [CaptureEvent] {
    #expect(session.start())
    var events: [CaptureEvent] = []
    for await event in session.events { events.append(event) }
    return events
}

/// A courtroom configuration for tests: everything small, written to `directory`.
func courtroom(_ pcm: String, _ format: PCMStreamFormat, directory: String, segmentFrames: UInt64,
               durationFrames: UInt64?, names: [String] = []) -> CaptureConfiguration {
    var configuration = CaptureConfiguration(
        courtroomID: "court-3", pcmName: pcm, format: format, channelNames: names,
        segmentFrames: segmentFrames, durationLimitFrames: durationFrames,
        hearingID: "H-2026-0316-01", caseReference: "CR-2026-1234", outputDirectory: directory,
        originator: "Custody Courthouse North")
    configuration.checkpointFrames = UInt64(format.rate / 4)
    configuration.readTimeoutMilliseconds = 50
    return configuration
}

extension [CaptureEvent] {
    var segments: [SegmentRecord] {
        compactMap { if case .segmentClosed(let record) = $0 { record } else { nil } }
    }
    var faults: [CaptureFault] {
        compactMap { if case .fault(let fault) = $0 { fault } else { nil } }
    }
    var gaps: [CaptureGap] {
        compactMap { if case .gap(let gap) = $0 { gap } else { nil } }
    }
    var raisedAlarms: [CaptureAlarm] {
        compactMap { if case .alarmRaised(let alarm) = $0 { alarm } else { nil } }
    }
    var clearedAlarms: [CaptureAlarm] {
        compactMap { if case .alarmCleared(let alarm) = $0 { alarm } else { nil } }
    }
    var stop: CaptureStop? {
        for case .stopped(let stop) in self { return stop }
        return nil
    }
    var start: CaptureStart? {
        for case .started(let start) in self { return start }
        return nil
    }
}

/// A RIFF/WAVE or RF64/WAVE file read chunk by chunk, written here independently
/// of CustodyAudio's own writer and repair.
struct WAVFile {
    struct Chunk {
        var id: String
        var offset: Int
        var size: UInt64
    }

    let bytes: [UInt8]
    let form: String
    let riffSize: UInt64
    var chunks: [Chunk] = []

    init(path: String) throws {
        try self.init(bytes: fileBytes(path))
    }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.count >= 12 else { throw FixtureError(description: "not a WAV file: \(bytes.count) bytes") }
        form = String(decoding: bytes[0..<4], as: UTF8.self)
        var riffSize = UInt64(Self.u32(bytes, 4))
        var dataSize64: UInt64?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            var size = UInt64(Self.u32(bytes, offset + 4))
            if id == "ds64" {
                if riffSize == 0xFFFF_FFFF { riffSize = Self.u64(bytes, offset + 8) }
                dataSize64 = Self.u64(bytes, offset + 16)
            }
            if id == "data", size == 0xFFFF_FFFF, let dataSize64 { size = dataSize64 }
            chunks.append(Chunk(id: id, offset: offset, size: size))
            offset += 8 + Int(size) + Int(size & 1)
        }
        self.riffSize = riffSize
    }

    func chunk(_ id: String) -> Chunk? { chunks.first { $0.id == id } }

    /// A chunk's payload (cut at the end of the file).
    func payload(_ id: String) -> ArraySlice<UInt8> {
        guard let chunk = chunk(id) else { return [] }
        let start = chunk.offset + 8
        return bytes[start..<min(bytes.count, start + Int(chunk.size))]
    }

    var data: ArraySlice<UInt8> { payload("data") }

    static func u16<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ at: Int) -> UInt16 where Bytes.Index == Int {
        let base = bytes.startIndex
        return UInt16(bytes[base + at]) | UInt16(bytes[base + at + 1]) << 8
    }

    static func u32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ at: Int) -> UInt32 where Bytes.Index == Int {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[bytes.startIndex + at + $1]) << (8 * $1) }
    }

    static func u64<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ at: Int) -> UInt64 where Bytes.Index == Int {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[bytes.startIndex + at + $1]) << (8 * $1) }
    }
}

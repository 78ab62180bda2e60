// The writer's chunks and fields, byte by byte; time arithmetic; gap measurement.
@testable import CustodyAudio
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("Broadcast Wave layout")
struct BWFLayoutTests {
    static let stereo = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)

    @Test("bext: fixed fields at their EBU Tech 3285 offsets, 64-bit TimeReference split low/high")
    func broadcastExtensionLayout() {
        let fields = BroadcastExtensionFields(description: "Courtroom 3", originator: "Custody", originatorReference: "CUSTODY-ABC-000001",
                                              originationDate: "2026-03-16", originationTime: "09:00:00",
                                              timeReference: 0x1_2345_6789, codingHistory: "A=PCM,F=48000,W=16,M=stereo,T=Custody\r\n")
        let chunk = BWFChunks.broadcastExtensionChunk(fields)
        #expect(Array(chunk[0..<4]) == Array("bext".utf8))
        let size = Int(WAVFile.u32(chunk, 4))
        #expect(size == 602 + 39 + 1, "CodingHistory is 39 bytes, NUL-padded to even")
        #expect(chunk.count == 8 + size)
        let body = Array(chunk[8...])
        #expect(Array(body[0..<11]) == Array("Courtroom 3".utf8) && body[11] == 0)
        #expect(Array(body[256..<263]) == Array("Custody".utf8))
        #expect(Array(body[288..<306]) == Array("CUSTODY-ABC-000001".utf8))
        #expect(Array(body[320..<330]) == Array("2026-03-16".utf8))
        #expect(Array(body[330..<338]) == Array("09:00:00".utf8))
        #expect(WAVFile.u32(body, 338) == 0x2345_6789)
        #expect(WAVFile.u32(body, 342) == 1)
        #expect(WAVFile.u16(body, 346) == 1)
        #expect(Array(body[602..<641]) == Array(fields.codingHistory.utf8))
    }

    @Test("first-sample date, time and TimeReference in UTC, also across midnight")
    func timeFields() {
        let rate = 48000
        // 2026-03-16T09:00:00.5Z
        let instant = Date(timeIntervalSince1970: 1_773_651_600.5)
        let fields = BroadcastExtensionFields(description: "", originator: "", originatorReference: "", firstSample: instant, format: Self.stereo)
        #expect(fields.originationDate == "2026-03-16")
        #expect(fields.originationTime == "09:00:00")
        #expect(fields.timeReference == 9 * 3600 * 48000 + 24000)

        // The last sample of a day, and the first of the next.
        let midnight: UInt64 = 1_773_705_600 * UInt64(rate)
        let before = BroadcastExtensionFields(description: "", originator: "", originatorReference: "",
                                              samplesSinceEpoch: midnight - 1, format: Self.stereo)
        #expect(before.originationDate == "2026-03-16" && before.originationTime == "23:59:59")
        #expect(before.timeReference == 86_400 * 48000 - 1)
        let after = BroadcastExtensionFields(description: "", originator: "", originatorReference: "",
                                             samplesSinceEpoch: midnight, format: Self.stereo)
        #expect(after.originationDate == "2026-03-17" && after.originationTime == "00:00:00" && after.timeReference == 0)
    }

    @Test("civil dates agree with Foundation's Gregorian calendar", arguments: [0, 59, 365, 10_956, 11_016, 20_528, 47_482])
    func civilDates(day: Int) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
        let civil = BroadcastExtensionFields.civilDate(daysSinceEpoch: Int64(day))
        #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
    }

    @Test("fixed fields are cut to size, never inside a UTF-8 character")
    func fixedFields() {
        #expect(BWFChunks.fixedField("Cour d'assises", size: 4) == Array("Cour".utf8))
        let accented = "Salle é"   // 'é' is two bytes, at offsets 6 and 7
        #expect(BWFChunks.fixedField(accented, size: 7) == Array("Salle ".utf8))
        #expect(BWFChunks.fixedField(accented, size: 8) == Array(accented.utf8))
        #expect(BWFChunks.fixedField("Saal 3 — Nord", size: 9) == Array("Saal 3 ".utf8))
    }

    @Test("fmt: PCMWAVEFORMAT for 16-bit mono and stereo, WAVE_FORMAT_EXTENSIBLE otherwise")
    func formatChunks() {
        #expect(BWFChunks.formatChunk(Self.stereo).count == 8 + 16)
        #expect(BWFChunks.formatChunk(PCMStreamFormat(sampleFormat: .s16LE, channels: 1, rate: 8000)).count == 8 + 16)
        let wide = BWFChunks.formatChunk(PCMStreamFormat(sampleFormat: .s32LE, channels: 2, rate: 96000))
        #expect(wide.count == 8 + 40)
        #expect(WAVFile.u16(wide, 8) == 0xFFFE)
        #expect(WAVFile.u16(wide, 8 + 18) == 32)
        #expect(WAVFile.u32(wide, 8 + 20) == 0x3)
        let many = BWFChunks.formatChunk(PCMStreamFormat(sampleFormat: .s16LE, channels: 8, rate: 48000))
        #expect(WAVFile.u16(many, 8) == 0xFFFE)
        #expect(WAVFile.u16(many, 8 + 18) == 16)
        #expect(WAVFile.u32(many, 8 + 20) == 0)
    }

    @Test("iXML: every track named, text escaped, parseable XML")
    func iXML() throws {
        let document = IXMLDocument(project: "R v. Smith & Jones", scene: "H-1", take: "7", tape: "court-3", note: "<ok>",
                                    fileUID: "CUSTODY-X-000007", sampleRate: 48000, bitDepth: 24,
                                    samplesSinceMidnight: 0x1_0000_0002, tracks: IXMLDocument.tracks(named: ["Judge", "Witness \"A\""]))
        let xml = document.xml
        #expect(xml.contains("<PROJECT>R v. Smith &amp; Jones</PROJECT>"))
        #expect(xml.contains("<NOTE>&lt;ok&gt;</NOTE>"))
        #expect(xml.contains("<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>1</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>"))
        #expect(xml.contains("<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>2</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>"))
        let names = TrackNameCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = names
        #expect(parser.parse())
        #expect(names.names == ["Judge", "Witness \"A\""])
        #expect(BWFChunks.iXMLChunk(document).count % 2 == 0)
    }

    @Test("the writer turns RIFF into RF64 at the checkpoint that passes the threshold")
    func rf64Switch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("switch.wav")
        let fields = BroadcastExtensionFields(description: "d", originator: "o", originatorReference: "r",
                                              firstSample: Date(timeIntervalSince1970: 1_790_000_000), format: Self.stereo)
        let document = IXMLDocument(project: "", scene: "", take: "1", tape: "", note: "", fileUID: "r", sampleRate: 48000,
                                    bitDepth: 16, samplesSinceMidnight: 0, tracks: IXMLDocument.tracks(named: ["L", "R"]))
        let writer = try BWFWriter(path: path, format: Self.stereo, broadcastExtension: fields, iXML: document,
                                   checkpointFrames: 1000, rf64Threshold: 20_000)
        let created = try WAVFile(path: path)
        #expect(created.form == "RIFF" && created.chunks.map(\.id) == ["JUNK", "fmt ", "bext", "iXML", "data"])
        #expect(created.chunk("JUNK")?.size == 28 && created.chunk("JUNK")?.offset == 12)
        #expect(UInt64(created.bytes.count) == created.riffSize + 8, "a new segment is a valid empty file")

        let frames = [UInt8](repeating: 0x5A, count: 1000 * 4)
        try frames.withUnsafeBytes { try writer.append($0) }
        #expect(!writer.isRF64)
        #expect(try WAVFile(path: path).chunk("data")?.size == 4000)
        for _ in 0..<4 { try frames.withUnsafeBytes { try writer.append($0) } }
        #expect(writer.isRF64)
        let switched = try WAVFile(path: path)
        #expect(switched.form == "RF64" && switched.chunks.first?.id == "ds64")
        #expect(switched.chunk("data")?.size == 20_000)
        let info = try writer.finish()
        #expect(info.frames == 5000 && info.isRF64 && info.dataBytes == 20_000)
        #expect(info.fileBytes == UInt64(try fileBytes(path).count))
        #expect(throws: BWFError.self) { try frames.withUnsafeBytes { try writer.append($0) } }
        #expect(throws: BWFError.self) {
            _ = try BWFWriter(path: path, format: Self.stereo, broadcastExtension: fields, iXML: document, checkpointFrames: 1)
        }
    }

    @Test("gap measurement: buffer contents plus the time until restart")
    func gapMeasurement() {
        let second: UInt64 = 1_000_000_000
        let timed = ALSAGapMeasurement(availAtStop: 8192, stoppedAtNanoseconds: 10 * second,
                                       detectedAtNanoseconds: 10 * second + second / 2,
                                       restartedAtNanoseconds: 11 * second, rate: 48000).lost
        #expect(timed.frames == 8192 + 48000 && timed.measurement == .timestamps)
        let untimed = ALSAGapMeasurement(availAtStop: 8192, stoppedAtNanoseconds: nil,
                                         detectedAtNanoseconds: 10 * second + second / 2,
                                         restartedAtNanoseconds: 11 * second, rate: 48000).lost
        #expect(untimed.frames == 8192 + 24000 && untimed.measurement == .lowerBound)
        let unknown = ALSAGapMeasurement(availAtStop: nil, stoppedAtNanoseconds: nil, detectedAtNanoseconds: 0,
                                         restartedAtNanoseconds: 1, rate: 48000).lost
        #expect(unknown.frames == nil && unknown.measurement == .unknown)
    }

    @Test("ALSA errors: errno names and snd_strerror text")
    func alsaErrors() throws {
        let error = ALSAError(call: "snd_pcm_hw_params_set_rate", pcm: "court-3", code: -22, detail: "not exactly 48000 Hz")
        #expect(error.name == "EINVAL")
        #expect(error.message == "\(ALSAError.alsaMessage(-22)): not exactly 48000 Hz")
        #expect(error.description == "snd_pcm_hw_params_set_rate(court-3): EINVAL: \(error.message) [-22]")
        #expect(throws: ALSAError(call: "snd_pcm_hw_params_set_rate", pcm: "court-3", code: -22)) {
            try ALSAError.check("snd_pcm_hw_params_set_rate", pcm: "court-3", Int32(-22)) as Int32
        }
        #expect(try ALSAError.check("snd_pcm_readi", pcm: "court-3", 1024) == 1024)
        #expect(ALSAError.errnoName(-86) == "ESTRPIPE")
        #expect(ALSAError.errnoName(-9999) == "E9999")
    }
}

/// Collects the NAME of every TRACK of an iXML document.
final class TrackNameCollector: NSObject, XMLParserDelegate, @unchecked Sendable {
    private(set) var names: [String] = []
    private var path: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        path.append(element)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if path.suffix(3) == ["TRACK_LIST", "TRACK", "NAME"] { names.append(text) }
        path.removeLast()
    }
}

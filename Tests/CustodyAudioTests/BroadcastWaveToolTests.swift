// Segments read back by mediainfo and exiftool: bext, iXML track names, channel
// count, WAVE_FORMAT_EXTENSIBLE, RF64.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Testing

@Suite("Broadcast Wave read back by mediainfo and exiftool")
struct BroadcastWaveToolTests {
    @Test("bext fields and channel count of a stereo S16_LE segment")
    func stereoBext() async throws {
        _ = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        let events = await record(courtroom(ALSAFixtures.speechPCM, format, directory: directory.path,
                                            segmentFrames: 48000, durationFrames: 48000, names: ["Judge", "Witness"]))
        let segment = try #require(events.segments.first)
        let start = try #require(events.start)
        let bext = segment.broadcastExtension
        #expect(bext.description == "Courtroom court-3; hearing H-2026-0316-01; case CR-2026-1234")
        #expect(bext.originator == "Custody Courthouse North")
        #expect(bext.originatorReference == "CUSTODY-\(start.sessionReference)-000001")
        #expect(bext.codingHistory == "A=PCM,F=48000,W=16,M=stereo,T=Custody\r\n")
        #expect(abs(segment.firstSampleTime.timeIntervalSince(start.firstSampleTime)) < 1.0 / 48000)
        try checkTimeFields(bext, firstSample: start.firstSampleTime, rate: 48000)

        let exif = try await ExternalTool.exiftoolObject(segment.path)
        #expect(exif["Description"] as? String == bext.description)
        #expect(exif["Originator"] as? String == bext.originator)
        #expect(exif["OriginatorReference"] as? String == bext.originatorReference)
        let date = bext.originationDate.replacingOccurrences(of: "-", with: ":")
        #expect(exif["DateTimeOriginal"] as? String == "\(date) \(bext.originationTime)")
        #expect(ExternalTool.number(exif["TimeReference"]) == Double(bext.timeReference))
        #expect(exif["CodingHistory"] as? String == bext.codingHistory)
        #expect(ExternalTool.number(exif["BWFVersion"]) == 1)
        #expect(ExternalTool.number(exif["NumChannels"]) == 2)
        #expect(ExternalTool.number(exif["BitsPerSample"]) == 16)
        #expect(exif["BwfxmlProject"] as? String == "CR-2026-1234")
        #expect(exif["BwfxmlScene"] as? String == "H-2026-0316-01")
        #expect(try await ExternalTool.exiftoolValues("BwfxmlTrackListTrackName", segment.path) == ["Judge", "Witness"])

        let info = try await ExternalTool.mediainfoTracks(segment.path)
        let general = try #require(info["General"])
        let audio = try #require(info["Audio"])
        #expect(general["Description"] as? String == bext.description)
        #expect(general["Producer"] as? String == bext.originator)
        #expect((general["extra"] as? [String: Any])?["Producer_Reference"] as? String == bext.originatorReference)
        #expect(general["Encoded_Date"] as? String == "\(bext.originationDate) \(bext.originationTime)")
        #expect(general["Encoded_Library_Settings"] as? String == "A=PCM,F=48000,W=16,M=stereo,T=Custody")
        #expect(audio["Channels"] as? String == "2")
        #expect(audio["SamplingCount"] as? String == "48000")
        #expect(audio["Delay_Source"] as? String == "Container (bext)")
        let delay = try #require(ExternalTool.number(audio["Delay"]))
        #expect(abs(delay - Double(bext.timeReference) / 48000) < 0.001)
    }

    @Test("16 channels of S24_3LE: WAVE_FORMAT_EXTENSIBLE, 16 named tracks, read by both tools")
    func multichannelExtensible() async throws {
        _ = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s24LE3, channels: 16, rate: 48000)
        let names = ["Judge", "Witness", "Prosecution", "Defence"] + (5...16).map { "Microphone \($0)" }
        let events = await record(courtroom(ALSAFixtures.multichannelPCM, format, directory: directory.path,
                                            segmentFrames: 24000, durationFrames: 24000, names: names))
        let segment = try #require(events.segments.first)
        #expect(segment.broadcastExtension.codingHistory == "A=PCM,F=48000,W=24,M=multitrack,T=Custody\r\n")

        let wav = try WAVFile(path: segment.path)
        let fmt = wav.payload("fmt ")
        #expect(fmt.count == 40)
        #expect(WAVFile.u16(fmt, 0) == 0xFFFE)
        #expect(WAVFile.u16(fmt, 2) == 16)
        #expect(WAVFile.u32(fmt, 4) == 48000)
        #expect(WAVFile.u32(fmt, 8) == 48000 * 48)
        #expect(WAVFile.u16(fmt, 12) == 48)
        #expect(WAVFile.u16(fmt, 14) == 24)
        #expect(WAVFile.u16(fmt, 16) == 22)
        #expect(WAVFile.u16(fmt, 18) == 24)
        #expect(WAVFile.u32(fmt, 20) == 0)
        #expect(Array(fmt.suffix(16)) == [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                          0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])

        let exif = try await ExternalTool.exiftoolObject(segment.path)
        #expect(ExternalTool.number(exif["NumChannels"]) == 16)
        #expect(ExternalTool.number(exif["BitsPerSample"]) == 24)
        #expect(exif["OriginatorReference"] as? String == segment.broadcastExtension.originatorReference)
        #expect(try await ExternalTool.exiftoolValues("BwfxmlTrackListTrackName", segment.path) == names)
        let info = try await ExternalTool.mediainfoTracks(segment.path)
        #expect(info["Audio"]?["Channels"] as? String == "16")
        #expect(info["Audio"]?["BitDepth"] as? String == "24")
        #expect(info["Audio"]?["SamplingCount"] as? String == "24000")
        #expect(info["General"]?["Encoded_Library_Settings"] as? String == "A=PCM,F=48000,W=24,M=multitrack,T=Custody")
    }

    @Test("past the RF64 threshold (lowered for the test) the segment is RF64 with ds64; mediainfo reads its length")
    func rf64() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        var configuration = courtroom(ALSAFixtures.speechPCM, format, directory: directory.path,
                                      segmentFrames: 72000, durationFrames: 72000)
        configuration.rf64ThresholdBytes = 100_000
        let events = await record(configuration)
        let segment = try #require(events.segments.first)
        #expect(segment.isRF64)

        let wav = try WAVFile(path: segment.path)
        #expect(wav.form == "RF64")
        #expect(WAVFile.u32(wav.bytes, 4) == 0xFFFF_FFFF)
        #expect(wav.chunks.map(\.id) == ["ds64", "fmt ", "bext", "iXML", "data"])
        let ds64 = wav.payload("ds64")
        #expect(WAVFile.u64(ds64, 0) == UInt64(wav.bytes.count - 8))
        #expect(WAVFile.u64(ds64, 8) == 72000 * 4)
        #expect(WAVFile.u64(ds64, 16) == 72000)
        let dataChunk = try #require(wav.chunk("data"))
        #expect(WAVFile.u32(wav.bytes, dataChunk.offset + 4) == 0xFFFF_FFFF)
        #expect(wav.data.elementsEqual(try fileBytes(fixtures.raw(ALSAFixtures.speechPCM)).prefix(72000 * 4)))

        let info = try await ExternalTool.mediainfoTracks(segment.path)
        #expect(info["General"]?["Format_Profile"] as? String == "RF64")
        #expect(info["Audio"]?["SamplingCount"] as? String == "72000")
        #expect(ExternalTool.number(info["Audio"]?["Duration"]) == 1.5)
        #expect(ExternalTool.number(info["General"]?["FileSize"]) == Double(wav.bytes.count))
        #expect((info["General"]?["Description"] as? String)?.contains("court-3") == true)
    }

    /// OriginationDate/Time and TimeReference agree with the first sample's time (UTC).
    private func checkTimeFields(_ bext: BroadcastExtensionFields, firstSample: Date, rate: Int) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: firstSample)
        let date = String(format: "%04ld-%02ld-%02ld", parts.year!, parts.month!, parts.day!)
        let time = String(format: "%02ld:%02ld:%02ld", parts.hour!, parts.minute!, parts.second!)
        #expect(bext.originationDate == date)
        #expect(bext.originationTime == time)
        let midnight = calendar.startOfDay(for: firstSample)
        let expected = firstSample.timeIntervalSince(midnight) * Double(rate)
        #expect(abs(Double(bext.timeReference) - expected) <= 1)
    }
}

// Levels, clipping and silence, measured on sox-made signals through the real
// alsa-lib and cross-checked against `sox stats`.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Testing

@Suite("Confidence monitoring")
struct ConfidenceMonitoringTests {
    @Test("a −6 dBFS sine: peak and RMS match sox stats; the silent channel alarms, the tone channel does not")
    func sineAndSilence() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        var configuration = courtroom(ALSAFixtures.toneAndSilencePCM, format, directory: directory.path,
                                      segmentFrames: 96_000, durationFrames: 96_000, names: ["Judge", "Clerk"])
        configuration.silenceAlarmFrames = 24_000
        configuration.silenceThresholdDBFS = -60
        let session = CaptureSession(configuration: configuration)
        session.start()
        var events: [CaptureEvent] = []
        for await event in session.events { events.append(event) }

        let stats = try await soxStats(fixtures.raw(ALSAFixtures.toneAndSilencePCM), format: format, frames: 96_000)
        let levels = try #require(events.segments.first?.summary.channels)
        #expect(levels.map(\.name) == ["Judge", "Clerk"])
        let tone = levels[0]
        let peak = try #require(tone.peakDBFS)
        let rms = try #require(tone.rmsDBFS)
        #expect(abs(peak - stats.peak) <= 0.01, "peak \(peak) vs sox \(stats.peak)")
        #expect(abs(rms - stats.rms) <= 0.01, "RMS \(rms) vs sox \(stats.rms)")
        #expect(abs(peak - -6.02) < 0.05)
        #expect(abs(rms - -9.03) < 0.05)
        #expect(tone.clippedSamples == 0)
        #expect(tone.frames == 96_000)
        #expect(levels[1].peakDBFS == nil && levels[1].rmsDBFS == nil && levels[1].clippedSamples == 0)

        let raised = events.raisedAlarms
        #expect(raised.count == 1)
        #expect(raised.first?.kind == .silence)
        #expect(raised.first?.channel == 2)
        #expect(raised.first?.channelName == "Clerk")
        #expect(raised.first?.startFrame == 0)
        #expect(events.clearedAlarms.map(\.endedWithSession) == [true])
        #expect(events.segments.first?.summary.alarms.map(\.channel) == [2])

        let status = session.status
        #expect(status.state == .stopped)
        #expect(status.framesCaptured == 96_000)
        #expect(status.levels.count == 2)
        #expect(status.levels.first.flatMap(\.peakDBFS).map { abs($0 - peak) < 0.1 } == true)
        #expect(status.activeAlarms.isEmpty)
    }

    @Test("a full-scale square wave: every sample at full scale (±32767, −32768) is counted as clipped")
    func clipping() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 1, rate: 48000)
        let events = await record(courtroom(ALSAFixtures.squarePCM, format, directory: directory.path,
                                            segmentFrames: 48_000, durationFrames: 48_000))
        let level = try #require(events.segments.first?.summary.channels.first)
        let raw = try fileBytes(fixtures.raw(ALSAFixtures.squarePCM))
        let fullScale = stride(from: 0, to: 48_000 * 2, by: 2).filter { index in
            let sample = Int16(bitPattern: UInt16(raw[index]) | UInt16(raw[index + 1]) << 8)
            return sample >= .max || sample <= -.max
        }.count
        #expect(fullScale == 48_000, "sox's square wave sits at full scale, +32767 and −32767")
        #expect(level.clippedSamples == UInt64(fullScale))
        #expect(abs((level.peakDBFS ?? -1) - 0) < 0.001)
    }

    @Test("level meter: S24_3LE and S32_LE decoding, full scale on both sides")
    func meterDecoding() {
        var silence = SilenceDetector(channels: 2, format: .s24LE3, thresholdDBFS: -60, silenceFrames: 10)
        var meter = LevelMeter(format: .s24LE3, channels: 2)
        // Frames: (+max, −max−1), (−1, 0x123456), (0, −0x400000)
        let s24: [UInt8] = [0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80,
                            0xFF, 0xFF, 0xFF, 0x56, 0x34, 0x12,
                            0x00, 0x00, 0x00, 0x00, 0x00, 0xC0]
        s24.withUnsafeBytes { meter.measure($0, frames: 3, firstFrame: 0, silence: &silence) }
        let stats = meter.takeStatistics()
        #expect(stats.peak == [0x7F_FFFF, 0x80_0000])
        #expect(stats.clipped == [1, 1])
        #expect(stats.peak[0] == Int64(PCMSampleFormat.s24LE3.maximumSample))
        #expect(stats.sumOfSquares[0] == Double(0x7F_FFFF) * Double(0x7F_FFFF) + 1)
        #expect(stats.frames == 3)
        #expect(meter.statistics.frames == 0)

        var silence32 = SilenceDetector(channels: 1, format: .s32LE, thresholdDBFS: -60, silenceFrames: 10)
        var meter32 = LevelMeter(format: .s32LE, channels: 1)
        let s32: [Int32] = [.max, .min, -1, 1 << 30]
        s32.withUnsafeBytes { meter32.measure($0, frames: 4, firstFrame: 0, silence: &silence32) }
        let levels = meter32.takeStatistics().levels(format: .s32LE, names: ["Bench"])
        #expect(levels[0].clippedSamples == 2)
        #expect(levels[0].peakDBFS == 0)
        #expect(levels[0].name == "Bench")
    }

    @Test("silence detector: a run inside one block is raised and cleared at its exact frames")
    func silenceInsideOneBlock() {
        var detector = SilenceDetector(channels: 2, format: .s16LE, thresholdDBFS: -40, silenceFrames: 500)
        var meter = LevelMeter(format: .s16LE, channels: 2)
        // Channel 1: signal except frames 100..<1100; channel 2: signal throughout.
        var samples: [Int16] = []
        for frame in 0..<2000 {
            samples.append((100..<1100).contains(frame) ? 3 : 10_000)
            samples.append(frame % 2 == 0 ? 8000 : -8000)
        }
        samples.withUnsafeBytes { meter.measure($0, frames: 2000, firstFrame: 0, silence: &detector) }
        #expect(detector.finishBlock(endFrame: 2000) == [
            .raised(channel: 0, startFrame: 100), .cleared(channel: 0, startFrame: 100, endFrame: 1100),
        ])

        // A run across blocks: raised at the end of the block that reaches the length.
        var quiet = [Int16](repeating: 0, count: 2 * 400)
        for frame in 0..<400 { quiet[2 * frame + 1] = 8000 }
        quiet.withUnsafeBytes { meter.measure($0, frames: 400, firstFrame: 2000, silence: &detector) }
        #expect(detector.finishBlock(endFrame: 2400) == [])
        quiet.withUnsafeBytes { meter.measure($0, frames: 400, firstFrame: 2400, silence: &detector) }
        #expect(detector.finishBlock(endFrame: 2800) == [.raised(channel: 0, startFrame: 2000)])
        samples.withUnsafeBytes { meter.measure(UnsafeRawBufferPointer(rebasing: $0[0..<40]), frames: 10, firstFrame: 2800, silence: &detector) }
        #expect(detector.finishBlock(endFrame: 2810) == [.cleared(channel: 0, startFrame: 2000, endFrame: 2800)])
    }

    @Test("silence detector, alarm length of several tiles: runs across tiles found at their exact frames")
    func silenceAcrossTiles() {
        var detector = SilenceDetector(channels: 1, format: .s16LE, thresholdDBFS: -40, silenceFrames: 1000, firstFrame: 10_000)
        var meter = LevelMeter(format: .s16LE, channels: 1)
        // Silent 300..<1800 (1,500 frames: alarms) and 2000..<2900 (900 frames: does not).
        let samples: [Int16] = (0..<3000).map { frame in
            (300..<1800).contains(frame) || (2000..<2900).contains(frame) ? -2 : (frame % 2 == 0 ? 5000 : -5000)
        }
        samples.withUnsafeBytes { meter.measure($0, frames: 3000, firstFrame: 10_000, silence: &detector) }
        #expect(detector.finishBlock(endFrame: 13_000) == [
            .raised(channel: 0, startFrame: 10_300), .cleared(channel: 0, startFrame: 10_300, endFrame: 11_800),
        ])
        #expect(detector.silentSince == [13_000])
    }

    /// Peak and RMS of channel 1 in dBFS, as `sox stats` reports them.
    private func soxStats(_ raw: String, format: PCMStreamFormat, frames: Int) async throws -> (peak: Double, rms: Double) {
        let output = try await ExternalTool.sox.outcome([
            "-t", "raw", "-r", String(format.rate), "-e", "signed-integer", "-b", String(format.sampleFormat.validBits),
            "-c", String(format.channels), raw, "-n", "trim", "0", "\(frames)s", "stats",
        ]).checked().errors
        func value(_ label: String) throws -> Double {
            for line in output.split(separator: "\n") where line.hasPrefix(label) {
                let fields = line.dropFirst(label.count).split(separator: " ")
                // Columns: overall, then one per channel.
                if fields.count >= 2, let number = Double(fields[1]) { return number }
            }
            throw ToolError(.output, "sox stats printed no \"\(label)\" for channel 1:\n\(output)")
        }
        return (try value("Pk lev dB"), try value("RMS lev dB"))
    }
}

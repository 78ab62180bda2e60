// custody-capture-bench: captures a fixed number of frames from an ALSA PCM into
// Broadcast Wave segments, with full metering, and prints what it did.
// scripts/bench-capture.sh times it against arecord on the same PCM.
import CustodyAudio
import Foundation

let usage = "usage: custody-capture-bench --pcm NAME --frames N --output DIR [--format S24_3LE] [--channels 16] [--rate 48000] [--segment-frames N] [--checkpoint-frames N] [--period-frames N] [--buffer-frames N]"
var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let key = arguments.popFirst() {
    guard key.hasPrefix("--"), let value = arguments.popFirst() else { FileHandle.standardError.write(Data((usage + "\n").utf8)); exit(2) }
    options[String(key.dropFirst(2))] = value
}
guard let pcm = options["pcm"], let frames = options["frames"].flatMap(UInt64.init), let output = options["output"],
      let sampleFormat = PCMSampleFormat(alsaName: options["format"] ?? "S24_3LE"),
      let channels = Int(options["channels"] ?? "16"), let rate = Int(options["rate"] ?? "48000") else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
let format = PCMStreamFormat(sampleFormat: sampleFormat, channels: channels, rate: rate)
var configuration = CaptureConfiguration(
    courtroomID: "bench", pcmName: pcm, format: format,
    segmentFrames: options["segment-frames"].flatMap(UInt64.init) ?? frames, durationLimitFrames: frames,
    hearingID: "bench-hearing", caseReference: "bench-case", outputDirectory: output)
if let checkpoint = options["checkpoint-frames"].flatMap(UInt64.init) { configuration.checkpointFrames = checkpoint }
if let period = options["period-frames"].flatMap(Int.init) { configuration.periodFrames = period }
if let buffer = options["buffer-frames"].flatMap(Int.init) { configuration.bufferFrames = buffer }
let session = CaptureSession(configuration: configuration) { event in
    if case .fault(let fault) = event { FileHandle.standardError.write(Data("fault: \(fault)\n".utf8)) }
}
session.start()
let result = await session.waitUntilStopped()
print("frames=\(result.framesCaptured) segments=\(result.segments) reason=\(result.reason.rawValue)")
exit(result.reason == .durationReached ? 0 : 1)

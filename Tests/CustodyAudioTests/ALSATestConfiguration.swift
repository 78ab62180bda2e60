// The real alsa-lib, with no sound hardware: one ALSA configuration for the whole
// test process, defining capture PCMs of type `file` (each replaying a known raw
// recording over a `null` slave), of type `null`, and PCMs that refuse a rate, a
// channel count or a format.
//
// Why one configuration per process: ALSA_CONFIG_PATH is process-wide (and
// setenv is not safe while other threads read the environment), and alsa-lib
// keeps its parsed configuration global to the process, re-reading it on
// snd_pcm_open only when the files change. Tests run in parallel, so a
// configuration per test would race; one configuration naming every PCM, set
// once before the first snd_pcm_open, does not. A custom ALSA_CONFIG_PATH
// replaces /usr/share/alsa/alsa.conf entirely, so the file defines every PCM it
// uses (its own `null`) and includes nothing.
//
// A `file` PCM over `null` delivers frames as fast as they are read, with no
// real-time pacing; after the end of its infile it keeps delivering frames whose
// content is whatever the reader's buffer held (the infile adds nothing), so
// every session here is bounded by a duration in frames shorter than its infile.
import CustodyAudio
import CustodyTestSupport
import Foundation
import Glibc

/// The recordings the test PCMs replay.
struct ALSAFixtures: Sendable {
    /// Bumped when the fixtures change, so a stale cached set is not used.
    static let version = "v1"

    let directory: String
    let configurationPath: String

    /// Speech (espeak-ng) on the left, a 440 Hz tone on the right: S16_LE, 2 ch, 48 kHz.
    static let speechPCM = "custody_speech_s16"
    /// Speech on channel 1, fifteen tones on channels 2–16: S24_3LE, 16 ch, 48 kHz.
    static let multichannelPCM = "custody_multi16_s24"
    /// White noise and a 1 kHz tone: S32_LE, 2 ch, 48 kHz.
    static let noisePCM = "custody_noise_s32"
    /// A 1 kHz sine at −6 dBFS on channel 1, digital silence on channel 2: S16_LE, 48 kHz.
    static let toneAndSilencePCM = "custody_tone_silence_s16"
    /// A full-scale 1 kHz square wave: S16_LE, mono, 48 kHz.
    static let squarePCM = "custody_square_s16"
    /// `type null`: endless zeros, any format.
    static let nullPCM = "custody_null"
    /// A `plug` over a 44.1 kHz-only slave, so 48 kHz is refused once resampling is off.
    static let only44100PCM = "custody_only_44100"
    /// A `multi` of two channels: any other count is refused.
    static let onlyTwoChannelsPCM = "custody_only_two_channels"
    /// A `mulaw` encoder over S16_LE: only MU_LAW is offered.
    static let onlyMuLawPCM = "custody_only_mu_law"

    func raw(_ pcm: String) -> String { directory + "/" + pcm + ".raw" }

    /// The fixtures, made once (cached across runs under the temporary directory)
    /// and ALSA_CONFIG_PATH pointing at their configuration. Every test that uses
    /// alsa-lib awaits this first.
    static func shared() async throws -> ALSAFixtures {
        try await ALSAFixtureMaker.shared.fixtures()
    }

    /// The ALSA configuration: every PCM the tests open.
    func configuration() -> String {
        func filePCM(_ name: String) -> String {
            """
            pcm.\(name) {
                type file
                slave.pcm "\(Self.nullPCM)"
                file "/dev/null"
                infile "\(raw(name))"
                format "raw"
            }

            """
        }
        return """
        # Custody's test PCMs (written by the test suite; no hardware).
        pcm.\(Self.nullPCM) {
            type null
        }

        \(filePCM(Self.speechPCM))\(filePCM(Self.multichannelPCM))\(filePCM(Self.noisePCM))\(filePCM(Self.toneAndSilencePCM))\(filePCM(Self.squarePCM))
        pcm.\(Self.only44100PCM) {
            type plug
            slave { pcm "\(Self.nullPCM)" rate 44100 }
        }

        pcm.\(Self.onlyTwoChannelsPCM) {
            type multi
            slaves.a { pcm "\(Self.nullPCM)" channels 2 }
            bindings { 0 { slave a channel 0 } 1 { slave a channel 1 } }
        }

        pcm.\(Self.onlyMuLawPCM) {
            type mulaw
            slave { pcm "\(Self.nullPCM)" format S16_LE }
        }

        """
    }
}

/// Makes the fixtures once per process.
actor ALSAFixtureMaker {
    static let shared = ALSAFixtureMaker()
    private var made: ALSAFixtures?

    func fixtures() async throws -> ALSAFixtures {
        if let made { return made }
        let directory = NSTemporaryDirectory() + "custody-audio-fixtures-\(ALSAFixtures.version)"
        let fixtures = ALSAFixtures(directory: directory, configurationPath: directory + "/alsa-test.conf")
        if !FileManager.default.fileExists(atPath: directory + "/.complete") {
            try await make(into: fixtures)
        }
        // Once, before the first snd_pcm_open of the process (see the file comment).
        setenv("ALSA_CONFIG_PATH", fixtures.configurationPath, 1)
        made = fixtures
        return fixtures
    }

    /// Generates every recording in a scratch directory, then renames it into place.
    private func make(into fixtures: ALSAFixtures) async throws {
        let scratch = try TemporaryDirectory("custody-audio-fixtures-making")
        let building = ALSAFixtures(directory: scratch.path, configurationPath: "")
        let s = scratch.path
        try await ExternalTool.espeakNG.run(["-w", "\(s)/speech22k.wav",
            "The court is now in session. The witness will state her name and address for the record, please."])
        try await ExternalTool.sox.run(["-D", "\(s)/speech22k.wav", "-r", "48000", "-b", "16", "\(s)/speech.wav"])
        let seconds = try await ExternalTool.soxi.run(["-D", "\(s)/speech.wav"])
        let speechSeconds = String(decoding: seconds, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try await ExternalTool.sox.run(["-D", "-n", "-r", "48000", "-c", "1", "-b", "16", "\(s)/tone440.wav",
                                    "synth", speechSeconds, "sine", "440", "gain", "-12"])
        try await ExternalTool.sox.run(["-D", "-M", "\(s)/speech.wav", "\(s)/tone440.wav",
                                    "-t", "raw", "-e", "signed-integer", "-b", "16", building.raw(ALSAFixtures.speechPCM)])
        let frequencies = (1...15).flatMap { ["sine", String(150 * $0)] }
        try await ExternalTool.sox.run(["-D", "-n", "-r", "48000", "-c", "15", "-b", "24", "\(s)/tones15.wav",
                                    "synth", speechSeconds] + frequencies + ["gain", "-9"])
        try await ExternalTool.sox.run(["-D", "-M", "\(s)/speech.wav", "\(s)/tones15.wav",
                                    "-t", "raw", "-e", "signed-integer", "-b", "24", building.raw(ALSAFixtures.multichannelPCM)])
        try await ExternalTool.sox.run(["-D", "-n", "-r", "48000", "-c", "2", "-b", "32", "-e", "signed-integer", "-t", "raw",
                                    building.raw(ALSAFixtures.noisePCM), "synth", "2", "whitenoise", "sine", "1000", "gain", "-3"])
        try await ExternalTool.sox.run(["-D", "-n", "-r", "48000", "-c", "2", "-b", "16", "-e", "signed-integer", "-t", "raw",
                                    building.raw(ALSAFixtures.toneAndSilencePCM), "synth", "3", "sine", "1000", "gain", "-6", "remix", "1", "0"])
        try await ExternalTool.sox.run(["-D", "-n", "-r", "48000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                                    building.raw(ALSAFixtures.squarePCM), "synth", "1", "square", "1000"])
        for intermediate in ["speech22k.wav", "speech.wav", "tone440.wav", "tones15.wav"] {
            try FileManager.default.removeItem(atPath: "\(s)/\(intermediate)")
        }
        // The configuration names the final directory.
        try fixtures.configuration().write(toFile: "\(s)/alsa-test.conf", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: "\(s)/.complete", contents: nil)
        if FileManager.default.fileExists(atPath: fixtures.directory),
           !FileManager.default.fileExists(atPath: fixtures.directory + "/.complete") {
            // A set left half-made by an interrupted run.
            try? FileManager.default.removeItem(atPath: fixtures.directory)
        }
        if rename(s, fixtures.directory) != 0 {
            // Another test process made them first (or a half-made set is in the way).
            scratch.remove()
            guard FileManager.default.fileExists(atPath: fixtures.directory + "/.complete") else {
                throw FixtureError(description: "cannot put the ALSA fixtures at \(fixtures.directory): \(String(cString: strerror(errno)))")
            }
        }
    }
}

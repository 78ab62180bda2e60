import ArgumentParser
import CustodyProtocol

/// `custodyctl record start --courtroom ID [--hearing H] [--case C] [--duration D]`.
struct RecordStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start recording a courtroom.",
        discussion: """
            Returns once the courtroom's PCM is open and capture has begun; a PCM that does not exist or \
            cannot be opened is an error naming it. --hearing names a hearing registered in that courtroom \
            and in session or about to be (within an hour of its times); its case comes from the registry. \
            Without --hearing, the hearing the schedule has in session there (if any). --duration bounds the session by the audio captured, counted in frames: 90m, 1h30m, \
            3s, 2.5s, or 4800f (frames).
            """)

    @Option(name: .long, help: ArgumentHelp("Courtroom id ([[courtroom]] id).", valueName: "id")) var courtroom: String
    @Option(name: .long, help: ArgumentHelp("Registered hearing in session.", valueName: "id")) var hearing: String?
    @Option(name: .long, help: ArgumentHelp("Checked against the hearing's case in the registry.", valueName: "case")) var `case`: String?
    @Option(name: .long, help: ArgumentHelp("Stop after this much audio (90m, 3s, 4800f).", valueName: "duration"))
    var duration: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let duration, RecordingDuration(duration) == nil {
            throw ValidationError("--duration must be like 90m, 1h30m, 3s, 2.5s or 4800f (frames), not \"\(duration)\"")
        }
    }

    func run() throws {
        var body = RecordingStartDTO(courtroom: courtroom, hearing: hearing, case: `case`)
        switch duration.flatMap(RecordingDuration.init) {
        case .frames(let n)?: body.durationFrames = n
        case .seconds(let s)?: body.durationSeconds = s
        case nil: break
        }
        let room = try global.client().startRecording(body)
        if global.json { return try global.printJSON(room) }
        let s = room.session
        var line: TerminalText = "courtroom \(room.courtroom): recording from \(room.pcm ?? "-")"
        if let reference = s?.reference { line += ", session \(reference)" }
        if let hearing = s?.hearing { line += ", hearing \(hearing)" }
        if let c = s?.case { line += ", case \(c)" }
        say(line)
        say("  \(room.format.channels) ch × \(room.format.rate) Hz \(room.format.sampleFormat) (\(room.channelNames.joined(separator: ", "))), segments of \(RecordingFormatting.duration(frames: room.segmentFrames, rate: room.format.rate))"
              + (s?.durationFrames.map { ", stopping after \(RecordingFormatting.duration(frames: $0, rate: room.format.rate)) of audio" } ?? ""))
    }
}

/// A session's length as `--duration` gives it.
enum RecordingDuration: Equatable {
    case frames(Int64)
    case seconds(Double)

    /// "4800f" (frames), or hours, minutes and seconds: "90m", "1h30m", "3s", "2.5s".
    init?(_ text: String) {
        if text.hasSuffix("f") {
            guard let n = Int64(text.dropLast()), n > 0 else { return nil }
            self = .frames(n)
            return
        }
        var total = 0.0
        var number = ""
        var units: [Character] = []
        for c in text {
            if c.isNumber || c == "." {
                number.append(c)
            } else if let factor = ["h": 3600.0, "m": 60.0, "s": 1.0][c], let value = Double(number), !units.contains(c) {
                // Units in order (h, m, s), each once.
                if let last = units.last, "hms".firstIndex(of: last)! >= "hms".firstIndex(of: c)! { return nil }
                total += value * factor
                units.append(c)
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, !units.isEmpty, total > 0 else { return nil }
        self = .seconds(total)
    }
}

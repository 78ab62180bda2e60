import CustodyRecording
import CustodyTOML
import Foundation

extension DaemonConfig {
    /// `[[courtroom]]` and `[recording]`.
    static func decodeRecording(_ top: TOMLTableReader, into config: inout DaemonConfig) throws(TOMLDecodeError) {
        if let rooms = try top.readers("courtroom") {
            var seen: [String: Int] = [:]
            for r in rooms {
                let room = try decodeCourtroom(r)
                if let first = seen[room.id] {
                    throw r.error("id", "courtroom \"\(room.id)\" is already defined at line \(first)")
                }
                seen[room.id] = r.line(of: "id")
                config.courtrooms.append(room)
            }
        }
        if let r = try top.reader("recording") {
            if let v = try r.integer("scheduleLeadSeconds") {
                try requireRange(v, 0...86_400, key: r.keyPath("scheduleLeadSeconds"), line: r.line(of: "scheduleLeadSeconds"))
                config.recording.scheduleLeadSeconds = Int(v)
            }
            if let v = try r.integer("scheduleMarginSeconds") {
                try requireRange(v, 0...86_400, key: r.keyPath("scheduleMarginSeconds"), line: r.line(of: "scheduleMarginSeconds"))
                config.recording.scheduleMarginSeconds = Int(v)
            }
            if let v = try r.integer("scheduleIntervalSeconds") {
                try requireRange(v, 1...3600, key: r.keyPath("scheduleIntervalSeconds"), line: r.line(of: "scheduleIntervalSeconds"))
                config.recording.scheduleIntervalSeconds = Int(v)
            }
            if let v = try r.boolean("keepFiledSegments") { config.recording.keepFiledSegments = v }
            try r.finish()
        }
    }

    /// Characters a courtroom id may hold: it names the courtroom's recordings directory.
    static func isCourtroomID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.first != "." && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    private static func decodeCourtroom(_ r: TOMLTableReader) throws(TOMLDecodeError) -> CourtroomConfiguration {
        guard let id = try r.string("id") else {
            throw TOMLDecodeError(line: r.table.line, key: r.keyPath("id"), message: "every [[courtroom]] needs an id")
        }
        guard isCourtroomID(id) else {
            throw r.error("id", "a courtroom id is 1–64 letters, digits, '-', '_' and '.', not starting with '.' (it names a directory): \"\(id)\"")
        }
        var room = CourtroomConfiguration(id: id)
        room.pcm = try r.string("pcm")
        room.interface = try r.string("interface")
        switch (room.pcm, room.interface) {
        case (nil, nil):
            throw TOMLDecodeError(line: r.table.line, key: r.keyPath("pcm"),
                                  message: "courtroom \"\(id)\" needs a pcm (an ALSA capture PCM such as \"hw:CARD=Courtroom3\") or the interface serial of its audio interface")
        case (.some, .some):
            throw r.error("interface", "give either pcm or interface for courtroom \"\(id)\", not both")
        case (.some(let pcm), nil) where pcm.isEmpty:
            throw r.error("pcm", "is empty")
        case (nil, .some(let serial)) where serial.isEmpty:
            throw r.error("interface", "is empty")
        default:
            break
        }
        if let v = try r.integer("device") {
            try requireRange(v, 0...31, key: r.keyPath("device"), line: r.line(of: "device"))
            room.device = Int(v)
        }
        if let v = try r.integer("channels") {
            try requireRange(v, 1...256, key: r.keyPath("channels"), line: r.line(of: "channels"))
            room.channels = Int(v)
        }
        if let v = try r.integer("rate") {
            try requireRange(v, 8000...768_000, key: r.keyPath("rate"), line: r.line(of: "rate"))
            room.rate = Int(v)
        }
        if let v = try r.string("format") {
            guard CourtroomConfiguration.formats.contains(v) else {
                throw r.error("format", "expected one of \(CourtroomConfiguration.formats.joined(separator: ", ")), found \"\(v)\"")
            }
            room.format = v
        }
        if let v = try r.strings("channelNames") {
            guard v.count == room.channels else {
                throw r.error("channelNames", "names \(v.count) channels, but channels = \(room.channels)")
            }
            if let blank = v.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw r.error("channelNames", "channel \(blank + 1) has an empty name")
            }
            room.channelNames = v
        }
        if let v = try r.integer("segmentMinutes") {
            try requireRange(v, 1...1440, key: r.keyPath("segmentMinutes"), line: r.line(of: "segmentMinutes"))
            room.segmentMinutes = Int(v)
        }
        if let v = try r.integer("segmentFrames") {
            try requireRange(v, 1...(Int64(room.rate) * 86_400), key: r.keyPath("segmentFrames"), line: r.line(of: "segmentFrames"))
            room.segmentFrames = v
        }
        if let v = try r.float("checkpointSeconds") {
            guard v >= 0.001, v <= 60 else { throw r.error("checkpointSeconds", "expected 0.001…60 seconds, found \(v)") }
            room.checkpointSeconds = v
        }
        if let v = try r.float("silenceThresholdDBFS") {
            guard v >= -150, v <= 0 else { throw r.error("silenceThresholdDBFS", "expected −150…0 dBFS, found \(v)") }
            room.silenceThresholdDBFS = v
        }
        if let v = try r.float("silenceSeconds") {
            guard v > 0, v <= 86_400 else { throw r.error("silenceSeconds", "expected more than 0 and at most 86400 seconds, found \(v)") }
            room.silenceSeconds = v
        }
        if let v = try r.float("noDataSeconds") {
            guard v >= 0.01, v <= 3600 else { throw r.error("noDataSeconds", "expected 0.01…3600 seconds, found \(v)") }
            room.noDataSeconds = v
        }
        if let v = try r.integer("periodFrames") {
            try requireRange(v, 16...(1 << 20), key: r.keyPath("periodFrames"), line: r.line(of: "periodFrames"))
            room.periodFrames = Int(v)
        }
        if let v = try r.integer("bufferFrames") {
            try requireRange(v, 16...(1 << 22), key: r.keyPath("bufferFrames"), line: r.line(of: "bufferFrames"))
            room.bufferFrames = Int(v)
        }
        guard room.bufferFrames >= room.periodFrames else {
            throw r.error("bufferFrames", "the buffer (\(room.bufferFrames) frames) must hold at least one period (\(room.periodFrames) frames)")
        }
        if let v = try r.boolean("automatic") { room.automatic = v }
        try r.finish()
        return room
    }
}

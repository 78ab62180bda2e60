/// A segment's `iXML` chunk (iXML 2.10): the name of every track, and where the
/// recording belongs (case as PROJECT, hearing as SCENE, courtroom as TAPE, the
/// segment's number as TAKE).
public struct IXMLDocument: Sendable, Hashable, Codable {
    /// One channel of the interleaved data.
    public struct Track: Sendable, Hashable, Codable {
        /// 1-based channel number (CHANNEL_INDEX).
        public var channelIndex: Int
        /// 1-based position in the interleaved frame (INTERLEAVE_INDEX).
        public var interleaveIndex: Int
        /// What the microphone on this channel picks up, e.g. "Judge", "Witness".
        public var name: String

        public init(channelIndex: Int, interleaveIndex: Int, name: String) {
            self.channelIndex = channelIndex
            self.interleaveIndex = interleaveIndex
            self.name = name
        }
    }

    public var project: String
    public var scene: String
    public var take: String
    public var tape: String
    public var note: String
    /// A unique id of the file (FILE_UID); Custody uses the OriginatorReference.
    public var fileUID: String
    public var sampleRate: Int
    public var bitDepth: Int
    /// Samples since midnight at the first sample (TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI/LO).
    public var samplesSinceMidnight: UInt64
    public var tracks: [Track]

    public init(project: String, scene: String, take: String, tape: String, note: String, fileUID: String,
                sampleRate: Int, bitDepth: Int, samplesSinceMidnight: UInt64, tracks: [Track]) {
        self.project = project
        self.scene = scene
        self.take = take
        self.tape = tape
        self.note = note
        self.fileUID = fileUID
        self.sampleRate = sampleRate
        self.bitDepth = bitDepth
        self.samplesSinceMidnight = samplesSinceMidnight
        self.tracks = tracks
    }

    /// Tracks named in channel order (channel n is the n-th sample of each frame).
    public static func tracks(named names: [String]) -> [Track] {
        names.enumerated().map { Track(channelIndex: $0.offset + 1, interleaveIndex: $0.offset + 1, name: $0.element) }
    }

    /// The document, UTF-8 XML.
    public var xml: String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<BWFXML>"]
        func element(_ name: String, _ value: String, indent: Int = 1) {
            lines.append(String(repeating: "  ", count: indent) + "<\(name)>\(Self.escape(value))</\(name)>")
        }
        element("IXML_VERSION", "2.10")
        element("PROJECT", project)
        element("SCENE", scene)
        element("TAKE", take)
        element("TAPE", tape)
        element("NOTE", note)
        element("FILE_UID", fileUID)
        lines.append("  <SPEED>")
        element("FILE_SAMPLE_RATE", String(sampleRate), indent: 2)
        element("AUDIO_BIT_DEPTH", String(bitDepth), indent: 2)
        element("TIMESTAMP_SAMPLE_RATE", String(sampleRate), indent: 2)
        element("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI", String(samplesSinceMidnight >> 32), indent: 2)
        element("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO", String(samplesSinceMidnight & 0xFFFF_FFFF), indent: 2)
        lines.append("  </SPEED>")
        lines.append("  <TRACK_LIST>")
        element("TRACK_COUNT", String(tracks.count), indent: 2)
        for track in tracks {
            lines.append("    <TRACK>")
            element("CHANNEL_INDEX", String(track.channelIndex), indent: 3)
            element("INTERLEAVE_INDEX", String(track.interleaveIndex), indent: 3)
            element("NAME", track.name, indent: 3)
            lines.append("    </TRACK>")
        }
        lines.append("  </TRACK_LIST>")
        lines.append("</BWFXML>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text escaped for XML character data; control characters other than tab and
    /// line breaks (not allowed in XML 1.0) become spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

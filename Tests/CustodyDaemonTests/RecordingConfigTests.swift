import CustodyRecording
import Testing
@testable import CustodyDaemon

@Suite("Courtroom recording configuration")
struct RecordingConfigTests {
    @Test("the [[courtroom]] table other tools write, with its defaults")
    func courtroomTable() throws {
        let config = try DaemonConfig.parse("""
            [[courtroom]]
            id = "3"
            pcm = "hw:CARD=Courtroom3"
            channels = 2
            rate = 48000
            format = "S16_LE"
            channelNames = ["judge", "witness"]
            segmentMinutes = 30

            [[courtroom]]
            id = "CR-7"
            interface = "SN-0007"
            """, file: "t.toml")
        #expect(config.courtrooms.count == 2)
        let three = config.courtrooms[0]
        #expect(three.id == "3" && three.pcm == "hw:CARD=Courtroom3" && three.interface == nil)
        #expect(three.channelNames == ["judge", "witness"] && three.format == "S16_LE")
        #expect(three.effectiveSegmentFrames == 30 * 60 * 48_000)
        #expect(three.automatic && three.checkpointSeconds == 2 && three.silenceThresholdDBFS == -60)
        let seven = config.courtrooms[1]
        #expect(seven.interface == "SN-0007" && seven.pcm == nil && seven.device == 0)
        #expect(seven.effectiveChannelNames == ["Channel 1", "Channel 2"])
    }

    @Test("every courtroom and recording key is read")
    func everyKey() throws {
        let config = try DaemonConfig.parse("""
            [recording]
            scheduleLeadSeconds = 5
            scheduleMarginSeconds = 30
            scheduleIntervalSeconds = 2
            keepFiledSegments = true

            [[courtroom]]
            id = "1"
            interface = "X1"
            device = 1
            channels = 1
            rate = 8000
            format = "S24_3LE"
            channelNames = ["bench"]
            segmentMinutes = 5
            segmentFrames = 4000
            checkpointSeconds = 0.5
            silenceThresholdDBFS = -50.5
            silenceSeconds = 3
            noDataSeconds = 0.25
            periodFrames = 256
            bufferFrames = 2048
            automatic = false
            """, file: "t.toml")
        let room = try #require(config.courtrooms.first)
        #expect(room.device == 1 && room.channels == 1 && room.rate == 8000 && room.format == "S24_3LE")
        #expect(room.effectiveSegmentFrames == 4000 && room.segmentMinutes == 5)
        #expect(room.checkpointSeconds == 0.5 && room.silenceThresholdDBFS == -50.5 && room.silenceSeconds == 3)
        #expect(room.noDataSeconds == 0.25 && room.periodFrames == 256 && room.bufferFrames == 2048 && !room.automatic)
        #expect(config.recording == {
            var r = RecordingConfiguration()
            r.scheduleLeadSeconds = 5; r.scheduleMarginSeconds = 30; r.scheduleIntervalSeconds = 2; r.keepFiledSegments = true
            return r
        }())
    }

    @Test("a bad courtroom names its line and key", arguments: [
        ("[[courtroom]]\npcm = \"x\"\n", 1, "courtroom[0].id", "needs an id"),
        ("[[courtroom]]\nid = \"a/b\"\npcm = \"x\"\n", 2, "courtroom[0].id", "names a directory"),
        ("[[courtroom]]\nid = \"3\"\n", 1, "courtroom[0].pcm", "needs a pcm"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\ninterface = \"y\"\n", 4, "courtroom[0].interface", "not both"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nformat = \"U8\"\n", 4, "courtroom[0].format", "S16_LE"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nchannelNames = [\"a\"]\n", 4, "courtroom[0].channelNames", "names 1 channels"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nrate = 100\n", 4, "courtroom[0].rate", "8000...768000"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nsegmentMinutes = 0\n", 4, "courtroom[0].segmentMinutes", "1...1440"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nsilenceThresholdDBFS = 3\n", 4, "courtroom[0].silenceThresholdDBFS", "dBFS"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nperiodFrames = 4096\nbufferFrames = 1024\n", 5, "courtroom[0].bufferFrames", "at least one period"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\nsegmentMinuets = 3\n", 4, "courtroom[0].segmentMinuets", "unknown key"),
        ("[[courtroom]]\nid = \"3\"\npcm = \"x\"\n[[courtroom]]\nid = \"3\"\npcm = \"y\"\n", 5, "courtroom[1].id", "already defined at line 2"),
        ("[recording]\nscheduleIntervalSeconds = 0\n", 2, "recording.scheduleIntervalSeconds", "1...3600"),
        ("[recording]\nmargin = 1\n", 2, "recording.margin", "unknown key"),
    ])
    func badCourtroom(text: String, line: Int, key: String, fragment: String) {
        do {
            _ = try DaemonConfig.parse(text, file: "c.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "c.toml" && error.line == line && error.key == key, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }
}

// Real media made at test time by ffmpeg, sox and exiftool.
import CustodyTestSupport
import Foundation

enum MediaFactory {
    /// ffmpeg, quiet, never waiting for input, overwriting its output.
    static func ffmpeg(_ arguments: [String]) async throws {
        try await ExternalTool.ffmpeg.run(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments, slots: .media)
    }

    /// A small H.264 + AAC clip. `creationTime` nil leaves mvhd creation_time unset.
    static func clip(in dir: TempDir, name: String, creationTime: String?, seconds: Int = 2,
                     extra: [String] = []) async throws -> URL {
        let url = dir.file(name)
        var arguments = [
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=\(seconds)",
            "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "24k", "-shortest",
        ]
        if let creationTime { arguments += ["-metadata", "creation_time=\(creationTime)"] }
        try await ffmpeg(arguments + extra + [url.path])
        return url
    }

    /// A JPEG made by ffmpeg, with EXIF times written by exiftool (nil tags are not written).
    static func photo(in dir: TempDir, name: String, byteOrder: String = "II", dateTimeOriginal: String?,
                      offsetTimeOriginal: String?, subSecTimeOriginal: String? = nil,
                      modifyDate: String? = nil) async throws -> URL {
        let url = dir.file(name)
        try await ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x120", "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", url.path])
        var arguments = ["-q", "-overwrite_original", "-ExifByteOrder=\(byteOrder)", "-Make=Custody"]
        if let dateTimeOriginal { arguments.append("-DateTimeOriginal=\(dateTimeOriginal)") }
        if let offsetTimeOriginal { arguments.append("-OffsetTimeOriginal=\(offsetTimeOriginal)") }
        if let subSecTimeOriginal { arguments.append("-SubSecTimeOriginal=\(subSecTimeOriginal)") }
        if let modifyDate { arguments.append("-ModifyDate=\(modifyDate)") }
        try await ExternalTool.exiftool.run(arguments + [url.path], slots: .media)
        return url
    }

    /// A Broadcast Wave file from ffmpeg's wav muxer (`-write_bext 1`).
    static func broadcastWave(in dir: TempDir, name: String, date: String, time: String, seconds: Double = 1.5,
                              extra: [String] = []) async throws -> URL {
        let url = dir.file(name)
        try await ffmpeg([
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)",
            "-c:a", "pcm_s16le", "-write_bext", "1",
            "-metadata", "origination_date=\(date)", "-metadata", "origination_time=\(time)",
            "-metadata", "description=Courtroom 3", "-metadata", "originator=Custody",
        ] + extra + [url.path])
        return url
    }

    /// A plain WAV synthesised by sox (`sox -n ... synth`).
    static func soxWave(in dir: TempDir, name: String, rate: Int = 16000, channels: Int = 1, bits: Int = 16,
                        seconds: Double = 1.5) async throws -> URL {
        let url = dir.file(name)
        try await ExternalTool.sox.run(["-n", "-r", "\(rate)", "-c", "\(channels)", "-b", "\(bits)", url.path,
                                        "synth", "\(seconds)", "sine", "300"], slots: .media)
        return url
    }
}

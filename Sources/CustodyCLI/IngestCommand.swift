#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CustodyClient
import CustodyProtocol
import Foundation

/// `custodyctl ingest (PATH | --image IMAGE) [--device SERIAL] [--wait]`: copy a
/// directory tree, a file, or the FAT/exFAT file systems of a disk image or block
/// device into the store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Ingest the recordings under a path (a card reader's mount, a directory, a file), or on a disk image or block device.",
        discussion: """
            With --image, the path is a disk image or a block device (e.g. /dev/sdb): its partition \
            table and FAT12/16/32 or exFAT file systems are read by custodyd itself, read-only, without \
            mounting. Either way the path must lie under ingest.allowedPaths.
            """)

    @Argument(help: ArgumentHelp("Directory tree or file to ingest.", valueName: "path"))
    var path: String?

    @Option(name: .long, help: ArgumentHelp("A disk image or block device whose FAT/exFAT file systems to ingest.", valueName: "image"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp("Serial of the registered device the files came from.", valueName: "serial"))
    var device: String?

    @Flag(name: .long, help: "Follow the job to its end; exit 1 if any file was not stored.")
    var wait = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (path == nil) != (image == nil) else { throw ValidationError("give a path, or --image with a disk image or block device (not both)") }
    }

    func run() throws {
        let given = path ?? image ?? ""
        let absolute = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
        let client = global.client()
        var job = try client.startIngest(IngestRequestDTO(path: absolute, device: device, image: image != nil ? true : nil))
        guard wait else {
            if global.json { return try global.printJSON(job) }
            say("job \(job.id) \(job.state.rawValue): \(job.totalFiles) files from \(job.root)")
            return
        }
        let progress = ProgressBar(enabled: !global.json && isatty(STDERR_FILENO) == 1)
        while [.queued, .running].contains(job.state) {
            progress.show(job)
            usleep(200_000)
            job = try client.job(job.id, files: false)
        }
        progress.finish()
        job = try client.job(job.id, files: false)
        if global.json {
            try global.printJSON(job)
        } else {
            say("job \(job.id) \(job.state.rawValue): \(job.stored) stored, \(job.duplicates) already stored, \(job.failed) failed, \(job.pending) not stored (\(Formatting.bytes(job.bytesStored)))")
            for e in job.errors { say("  failed: \(e.path): \(e.message)") }
            if let message = job.message { say("  \(message)") }
        }
        if job.state != .completed { throw ExitCode.failure }
    }
}

/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar {
    let enabled: Bool
    let started = Date()

    func show(_ job: JobDTO) {
        guard enabled else { return }
        let done = job.stored + job.duplicates + job.failed
        let total = max(job.totalFiles, 1)
        let width = 30
        let filled = Int(Double(width) * Double(done) / Double(total))
        let rate = Double(job.bytesStored) / max(Date().timeIntervalSince(started), 0.001)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(job.totalFiles) files  \(Formatting.bytes(job.bytesStored))  \(Formatting.bytes(Int64(rate)))/s "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

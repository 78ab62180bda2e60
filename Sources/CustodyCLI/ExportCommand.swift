import ArgumentParser
import Crypto
import CustodyClient
import CustodyProtocol
import Foundation

/// `custodyctl export (--case C | --hearing H | --items ID…) --out PATH [--zip]`: an
/// export for court that anyone can check without Custody.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a case's, a hearing's or listed items' evidence for court, with proofs anyone can check.",
        discussion: """
            Writes a new folder (or, with --zip, a ZIP file) holding each recording under its original \
            name, a manifest (JSON and sha256sum -c form), each item's custody events with inclusion \
            proofs against a checkpoint the station signs for this export, the station's public key, a \
            CASE/UCO JSON-LD description and a README saying how to check it. Every file's SHA-256 is \
            checked as it is written. The export is a custody event. Needs the supervisor, auditor or admin role.
            """)

    @Option(name: .customLong("case"), help: "Export every item tagged to this case.") var caseNumber: String?
    @Option(name: .long, help: "Export every item tagged to this hearing.") var hearing: String?
    @Option(name: .long, parsing: .upToNextOption, help: "Export these items.") var items: [Int64] = []
    @Option(name: .long, help: ArgumentHelp("Where to write the bundle (must not exist).", valueName: "path")) var out: String
    @Flag(name: .long, help: "Write one ZIP file instead of a folder.") var zip = false
    @Option(name: .long, help: "Why the export is made, kept in its custody event.") var reason: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let given = [caseNumber != nil, hearing != nil, !items.isEmpty].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --case, --hearing or --items") }
    }

    func run() throws {
        let destination = zip && !out.hasSuffix(".zip") ? out + ".zip" : out
        // Refused before anything is recorded: the destination must be new.
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CommandFailure("\(destination) already exists; an export is written to a new \(zip ? "file" : "folder")")
        }
        let client = global.client()
        let plan = try client.export(ExportRequestDTO(case: caseNumber, hearing: hearing, items: items.isEmpty ? nil : items, reason: reason))
        // From here the export is recorded: a bundle that is not written whole is recorded abandoned.
        let abandonment = ExportAbandonment(client: client, exportID: plan.exportId)
        abandonment.start()
        defer { abandonment.stop() }
        var writer: (any BundleWriter)?
        do {
            writer = zip ? try ZipBundleWriter(destination: destination) : try DirectoryBundleWriter(destination: destination)
            for file in plan.files {
                try abandonment.check()
                try writer!.add(path: file.path, size: file.size) { sink in
                    var hasher = SHA256()
                    try client.downloadBlob(file.sha256, export: plan.exportId) { bytes in
                        try abandonment.check()
                        hasher.update(bufferPointer: bytes)
                        do {
                            try sink(bytes)
                        } catch {
                            // Recorded before the download is dropped, so the reason kept is this one.
                            _ = abandonment.record(reason: "the bundle for \(destination) was not written: \(error)")
                            throw error
                        }
                    }
                    let found = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    guard found == file.sha256 else {
                        throw CommandFailure("item \(file.item) arrived with SHA-256 \(found), not \(file.sha256)")
                    }
                }
            }
            for document in plan.documents {
                try abandonment.check()
                try writer!.add(path: document.path, text: document.content)
            }
            try abandonment.check()
            try writer!.finish()
        } catch {
            writer?.discard()
            let recorded = abandonment.record(reason: "the bundle for \(destination) was not written: \(error)")
            if let interrupted = error as? ExportAbandonment.Interrupted {
                throw CommandFailure("export \(plan.exportId) \(interrupted); nothing was written to \(destination); \(recorded)",
                                     status: 128 + interrupted.signal)
            }
            throw CommandFailure("\(error); nothing was written to \(destination); \(recorded)")
        }
        let bytes = plan.files.reduce(Int64(0)) { $0 + $1.size }
        if global.json {
            try global.printJSON(ExportSummary(exportId: plan.exportId, path: destination, files: plan.files.count, bytes: bytes,
                                               checkpoint: plan.checkpoint.treeSize, selection: plan.selection))
        } else {
            say("export \(plan.exportId) (\(plan.selection)): \(plan.files.count) files, \(bytes) bytes, written to \(destination)")
            say("signed checkpoint: \(plan.checkpoint.treeSize) ledger entries, root \(plan.checkpoint.rootHash)")
            say(zip ? "check it: unzip it, then read its README.txt" : "check it: cd \(destination) && sha256sum -c SHA256SUMS; see README.txt")
        }
    }
}

/// `custodyctl export --json`.
struct ExportSummary: Encodable {
    var exportId: Int64
    var path: String
    var files: Int
    var bytes: Int64
    var checkpoint: Int
    var selection: String
}

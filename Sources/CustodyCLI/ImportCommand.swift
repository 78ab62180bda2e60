import ArgumentParser
import CustodyProtocol
import Foundation

/// `custodyctl import officers|devices|courtrooms|assignments|hearings FILE`: a registry
/// file (CSV with a header row; hearings also iCalendar), all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import officers, devices, courtrooms, assignments or hearings from CSV (hearings also .ics).",
        discussion: """
            Columns: officers badge,name,unit[,rank]; devices serial[,model,kind,courtroom]; courtrooms id,name[,building]; \
            assignments device_serial,badge,from,to[,kind,model] (RFC 3339 times, empty to = open-ended); \
            hearings id,case,courtroom,judge,start,end[,title]. A calendar's events give UID, SUMMARY, LOCATION (the courtroom), \
            DTSTART/DTEND (or DURATION), X-CUSTODY-CASE and X-CUSTODY-JUDGE (or ORGANIZER's CN). A bad row rejects the whole \
            file: each bad line and field is listed and nothing is written. Importing the same file again changes nothing.
            """)

    @Argument(help: ArgumentHelp("officers, devices, courtrooms, assignments or hearings.", valueName: "kind")) var kind: String
    @Argument(help: ArgumentHelp("The file (UTF-8).", valueName: "file")) var file: String
    @Option(name: .long, help: ArgumentHelp("csv or ics (default: by the file's extension).", valueName: "format")) var format: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read \(file)")
        }
        let name = (file as NSString).lastPathComponent
        let report = try global.client().importFile(ImportRequestDTO(kind: kind, format: format, name: name,
                                                                     contentBase64: data.base64EncodedString()))
        if global.json { return try global.printJSON(report) }
        say("\(name): \(report.rows) \(report.kind) rows: \(report.created) new, \(report.updated) changed, \(report.unchanged) unchanged; \(report.retagged) recordings tagged again")
        if !report.ignoredColumns.isEmpty { say("  not used: \(report.ignoredColumns.joined(separator: ", "))") }
    }
}

// libFuzzer entry point for the registry readers of CustodyStore: the CSV reader, the
// iCalendar reader and the row checks of RegistryImport, as `custodyctl import` feeds
// them. The first input byte picks the kind of file (officers, devices, courtrooms,
// assignments, hearings as CSV, hearings as iCalendar); the rest is the file.
//
// Besides any trap, hang or runaway allocation, a finding is a row the import would
// hand to the store that the store cannot keep: every instant of an accepted row must
// survive RFC 3339 text (the index stores it so and reads it back), and every hearing
// and bounded assignment must end after it starts.
//
// Built by scripts/fuzz.sh as the SwiftPM product custody-fuzz-registry with
// `-sanitize=fuzzer,address -D CUSTODY_FUZZING`; any other build makes a replayer
// that runs the same checks over the files named on its command line.
import CustodyCore
import CustodyStore
import Foundation

private let choices: [(kind: String, format: String)] = [
    ("officers", "csv"), ("devices", "csv"), ("courtrooms", "csv"), ("assignments", "csv"), ("hearings", "csv"), ("hearings", "ics"),
]

func fuzzRegistryOne(_ input: [UInt8]) {
    guard let first = input.first else { return }
    let choice = choices[Int(first) % choices.count]
    let file = Array(input.dropFirst())
    if choice.format == "ics" { exerciseCalendar(file) }
    guard case .success(let parsed) = RegistryImport.parse(kind: choice.kind, format: choice.format, name: nil, bytes: file) else {
        fatalError("a known kind and format was refused as a malformed request")
    }
    for row in parsed.assignments {
        keepable(row.from)
        if let to = row.to { keepable(to); precondition(row.from < to, "an assignment accepted that ends before it starts") }
    }
    for row in parsed.hearings {
        keepable(row.start)
        keepable(row.end)
        precondition(row.start < row.end, "a hearing accepted that ends before it starts")
    }
}

/// Every property of every event through the value readers, as the import may call them.
private func exerciseCalendar(_ file: [UInt8]) {
    for event in ICalendarReader.events(file).events {
        for property in event.properties {
            _ = ICalendarReader.text(property.value)
            _ = ICalendarReader.duration(property.value)
            if case .success(let date) = ICalendarReader.instant(property) { keepable(date) }
        }
    }
}

/// The index keeps instants as RFC 3339 text and reads them back with RFC3339.parse.
private func keepable(_ date: Date) {
    precondition(date.timeIntervalSince1970.isFinite, "an instant that is not finite")
    let text = RFC3339.format(date)
    guard let back = RFC3339.parse(text) else { fatalError("an accepted instant the index could not read back: \(text)") }
    precondition(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001, "an instant changed through its text: \(text)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzRegistryOne(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

#if CUSTODY_FUZZING
/// libFuzzer's own entry (`LLVMFuzzerRunDriver`): SwiftPM links an executable's `main`
/// to its module's entry point, so the fuzzer is started from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main
struct RegistryFuzzTarget {
    static func main() throws {
        #if CUSTODY_FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzRegistry))
        #else
        for path in CommandLine.arguments.dropFirst() {
            fuzzRegistryOne(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("ok \(path)")
        }
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
import CustodyClient
import Dispatch
import Foundation

/// The daemon records an export (`export.create`) before its bundle is written. While
/// custodyctl writes it, this makes sure a bundle that never comes to be is recorded too
/// (`export.abandon`, with the reason): on any failure (a stored file missing or changed,
/// the destination full or unwritable), and when the user interrupts the export
/// (SIGINT, SIGTERM, SIGHUP). A first signal stops the export at the next chunk and
/// cleans up; a second one exits at once.
final class ExportAbandonment: @unchecked Sendable {
    let client: CustodyClient
    let exportID: Int64
    /// Guards `recorded`, `signals`, `stopping` and `lastSignal`.
    private let lock = NSLock()
    private var recorded = false
    /// Signals received so far (a second one exits at once).
    private var signals = 0
    /// Set once the abandonment a signal asked for is recorded: the writer stops at its next chunk.
    private var stopping = false
    private var sources: [any DispatchSourceSignal] = []
    /// The dispositions the signals had before (SIGHUP may be ignored, under nohup).
    private var previous: [(Int32, __sighandler_t?)] = []

    /// A signal asked the export to stop.
    struct Interrupted: Error, CustomStringConvertible {
        var signal: Int32
        var description: String { "interrupted by \(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP")" }
    }

    init(client: CustodyClient, exportID: Int64) {
        self.client = client
        self.exportID = exportID
    }

    /// Takes over SIGINT, SIGTERM and SIGHUP until ``stop()``.
    func start() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            // Ignored as a signal, delivered as an event: the handler below decides.
            let before = signal(number, SIG_IGN)
            previous.append((number, before))
            // A signal ignored already (SIGHUP under nohup) stays ignored.
            if let before, unsafeBitCast(before, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in interrupted(by: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Gives the signals back the meaning they had.
    func stop() {
        let restore = lock.withLock { () -> [(Int32, __sighandler_t?)] in
            for source in sources { source.cancel() }
            sources = []
            defer { previous = [] }
            return previous
        }
        for (number, handler) in restore { signal(number, handler) }
    }

    /// Throws ``Interrupted`` once a signal has asked the export to stop.
    func check() throws {
        let caught = lock.withLock { stopping ? lastSignal : nil }
        if let caught { throw Interrupted(signal: caught) }
    }

    private var lastSignal: Int32 = 0

    private func interrupted(by number: Int32) {
        let count = lock.withLock { () -> Int in
            signals += 1
            lastSignal = number
            return signals
        }
        if count > 1 {
            // A second signal: stop now (the first already recorded the abandonment).
            FileHandle.standardError.write(Data("custodyctl: export \(exportID) abandoned; stopped at once\n".utf8))
            exit(128 + number)
        }
        // Recorded first, while the download is still open (the daemon would otherwise see a
        // client that stopped reading, and record that instead); then the writer stops.
        _ = record(reason: "custodyctl was \(Interrupted(signal: number)) while writing the bundle")
        lock.withLock { stopping = true }
    }

    /// Records the abandonment once; returns what to tell the user about it.
    func record(reason: String) -> String {
        let first = lock.withLock { () -> Bool in
            defer { recorded = true }
            return !recorded
        }
        guard first else { return "export \(exportID) is recorded abandoned" }
        do {
            let answer = try client.abandonExport(exportID, reason: reason)
            return "export \(exportID) is recorded abandoned (event \(answer.event.seq))"
        } catch {
            return "export \(exportID) could not be recorded abandoned (\(error)); its export.create event stands alone"
        }
    }
}

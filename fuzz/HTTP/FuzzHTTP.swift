// libFuzzer entry point for the control server's request path: the bytes a client
// sends on a connection, decoded by the same NIO HTTP/1.1 server pipeline the control
// socket configures (`configureHTTPServerPipeline(withErrorHandling: true)`), in an
// EmbeddedChannel instead of a socket; every complete request is assembled as
// ControlServer.serve assembles it (body limit included) and answered by the real
// ControlRoutes over a real LocalStore with a station key, as the daemon runs them.
//
// The first input byte is the caller's roles (bit 0 operator, 1 supervisor, 2 auditor,
// 3 admin; none for a user with no role); the rest is what arrives on the socket.
// Besides any trap, hang or runaway allocation, a finding is a 500 answer: every
// request, however hostile, gets a deliberate answer.
//
// Built by scripts/fuzz.sh as the SwiftPM product custody-fuzz-http with
// `-sanitize=fuzzer,address -D CUSTODY_FUZZING`; any other build makes a replayer
// that runs the same checks over the files named on its command line.
import CustodyCore
import CustodyDirectory
import CustodyIngest
import CustodyLedger
import CustodyMassStorage
import CustodyProtocol
import CustodyServer
import CustodyStore
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// The routes under test, over a store in a scratch directory that is made anew every
/// `inputsPerStore` inputs, so the index stays small however long the run.
final class RoutesUnderTest: @unchecked Sendable {
    static let shared = RoutesUnderTest()
    static let inputsPerStore = 2000
    /// The daemon's default body limit (control.maxRequestBytes).
    let maxRequestBytes = ControlConfiguration().maxRequestBytes
    private var routes: ControlRoutes?
    private var directory: String?
    private var served = 0

    func current() -> ControlRoutes {
        if let routes, served < Self.inputsPerStore {
            served += 1
            return routes
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/custody-fuzz-http-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        do {
            try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
            let store = try LocalStore(stateDirectory: dir + "/state")
            let key = try StationKey.loadOrCreate(path: dir + "/state/ledger/station.key", name: "custody.fuzz/station")
            var config = IngestConfiguration()
            config.allowedPaths = [dir + "/inbox"]
            let engine = IngestEngine(store: store, config: config, logger: Logger(label: "fuzz"),
                                      drivers: SourceDrivers([DirectoryDriver(), MassStorageDriver()]))
            routes = ControlRoutes(store: store, ingest: engine, stateDirectory: dir + "/state",
                                   signer: CheckpointSigner(key: key, store: store))
        } catch {
            fatalError("cannot make the store the routes run over: \(error)")
        }
        directory = dir
        served = 1
        return routes!
    }
}

/// One answer, handed from the task that computed it to the fuzzer's thread.
final class AnswerBox: @unchecked Sendable {
    var response: ControlResponse?
}

func fuzzHTTPOne(_ input: [UInt8]) {
    guard let rolesByte = input.first else { return }
    var roles: Set<Role> = []
    if rolesByte & 1 != 0 { roles.insert(.operator_) }
    if rolesByte & 2 != 0 { roles.insert(.supervisor) }
    if rolesByte & 4 != 0 { roles.insert(.auditor) }
    if rolesByte & 8 != 0 { roles.insert(.admin) }
    let caller = Caller(uid: 2000, gid: 2000, name: "fuzzer", roles: roles)
    let fixture = RoutesUnderTest.shared
    let routes = fixture.current()

    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
    } catch {
        fatalError("cannot configure the HTTP pipeline: \(error)")
    }
    // A decoding error is answered (400) and closes the connection; what came before it still counts.
    _ = try? channel.writeInbound(ByteBuffer(bytes: input.dropFirst()))

    // As ControlServer.serve: a head, its body up to the limit, then the end routes it.
    var head: HTTPRequestHead?
    var body = Data()
    var tooLarge = false
    while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
        switch part {
        case .head(let h):
            head = h
            body = Data()
            tooLarge = false
        case .body(var buffer):
            if body.count + buffer.readableBytes > fixture.maxRequestBytes {
                tooLarge = true
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body.append(contentsOf: bytes)
            }
        case .end:
            guard let h = head, !tooLarge else { continue }
            let request = ControlRequest(method: h.method, uri: h.uri, body: body, caller: caller)
            let box = AnswerBox()
            let done = DispatchSemaphore(value: 0)
            Task {
                box.response = await routes.handle(request)
                done.signal()
            }
            done.wait()
            guard let response = box.response else { fatalError("no answer") }
            if response.status.code == 500 {
                fatalError("500 for \(h.method.rawValue) \(h.uri): \(String(decoding: response.body, as: UTF8.self))")
            }
            head = nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzHTTPOne(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
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
struct HTTPFuzzTarget {
    static func main() throws {
        #if CUSTODY_FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzHTTP))
        #else
        for path in CommandLine.arguments.dropFirst() {
            fuzzHTTPOne(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("ok \(path)")
        }
        #endif
    }
}

import ArgumentParser
import CustodyClient
import CustodyProtocol
import Foundation

/// Options every command takes, before or after the command name.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Control socket (default: $CUSTODY_SOCKET or /run/custody/control.sock).", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    public init() {}

    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["CUSTODY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? CustodyClient.defaultSocket
    }

    func client() -> CustodyClient { CustodyClient(socketPath: socketPath) }

    /// Prints `value` as indented JSON on standard output.
    func printJSON(_ value: some Encodable) throws {
        let data = try Wire.encoder(pretty: true).encode(value)
        print(String(decoding: data, as: UTF8.self))
    }
}

/// A command failure: printed as one line, exit status 1 (128 + the signal for an interrupted export).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var status: Int32 = 1
    init(_ description: String, status: Int32 = 1) { self.description = description; self.status = status }
}

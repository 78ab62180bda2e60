#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What a tool did: its exit status and everything it printed.
public struct ToolOutcome: Sendable {
    public var tool: ExternalTool
    public var arguments: [String]
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data

    /// Standard output as text.
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error as text.
    public var errors: String { String(decoding: standardError, as: UTF8.self) }
}

/// Running a tool to completion. Every run has TZ=UTC and LC_ALL=C.UTF-8 (the tools'
/// times and messages are then the same everywhere), standard input from `input` or
/// /dev/null, and its output written to files rather than pipes, so a chatty tool can
/// never block on a full pipe. A tool still running after `timeout` seconds is killed
/// and the run fails.
extension ExternalTool {
    /// Runs the tool and returns its standard output; an exit status other than 0 is a
    /// ``ToolError`` naming the tool, its arguments, the status and its standard error.
    /// The wait does not hold a thread of the cooperative pool; with `slots`, at most
    /// that many such tools run at once.
    @discardableResult
    public func run(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                    timeout: Double? = nil, slots: ToolSlots? = nil) async throws(ToolError) -> Data {
        try await outcome(arguments, environment: environment, input: input, timeout: timeout, slots: slots).checked().standardOutput
    }

    /// Runs the tool and returns what it did, whatever its exit status.
    public func outcome(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                        timeout: Double? = nil, slots: ToolSlots? = nil) async throws(ToolError) -> ToolOutcome {
        let executable = try path()
        await slots?.acquire()
        let run: ToolRun
        do {
            run = try ToolRun(self, executable, arguments, environment: environment, input: input)
        } catch {
            await slots?.release()
            throw error
        }
        defer { run.scratch.remove() }
        let launched: Bool = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            run.process.terminationHandler = { _ in
                run.markEnded()
                continuation.resume(returning: true)
            }
            do {
                try run.process.run()
                run.killAfter(timeout)
            } catch {
                run.process.terminationHandler = nil
                continuation.resume(returning: false)
            }
        }
        await slots?.release()
        return try run.finish(launched: launched, timeout: timeout)
    }

    /// ``run(_:environment:input:timeout:slots:)`` for code that cannot wait
    /// asynchronously (static set-up, synchronous tests): blocks the calling thread.
    @discardableResult
    public func runBlocking(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                            timeout: Double? = nil) throws(ToolError) -> Data {
        try outcomeBlocking(arguments, environment: environment, input: input, timeout: timeout).checked().standardOutput
    }

    /// ``outcome(_:environment:input:timeout:slots:)``, blocking the calling thread.
    public func outcomeBlocking(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                                timeout: Double? = nil) throws(ToolError) -> ToolOutcome {
        let run = try ToolRun(self, try path(), arguments, environment: environment, input: input)
        defer { run.scratch.remove() }
        var launched = true
        do {
            try run.process.run()
            run.killAfter(timeout)
            run.process.waitUntilExit()
            run.markEnded()
        } catch {
            launched = false
        }
        return try run.finish(launched: launched, timeout: timeout)
    }

    /// Starts the tool with its standard output on a pipe, for a test that compares a
    /// large output piece by piece as it comes; ``RunningTool/finish()`` waits for it.
    public func launch(_ arguments: [String]) throws(ToolError) -> RunningTool {
        let run = try ToolRun(self, try path(), arguments, environment: [:], input: nil)
        let pipe = Pipe()
        run.process.standardOutput = pipe
        do {
            try run.process.run()
        } catch {
            run.scratch.remove()
            throw ToolError(.launch, "cannot start \(name): \(error)")
        }
        return RunningTool(tool: self, arguments: arguments, run: run, standardOutput: pipe.fileHandleForReading)
    }
}

/// A tool started by ``ExternalTool/launch(_:)``: read its output, then finish it.
public struct RunningTool: @unchecked Sendable {
    public let tool: ExternalTool
    public let arguments: [String]
    let run: ToolRun
    /// The read end of the tool's standard output.
    public let standardOutput: FileHandle

    /// Stops the tool early (after a difference was found).
    public func terminate() { run.process.terminate() }

    /// Reads what is left of its output, waits for it to exit and returns what it did.
    public func finish() throws(ToolError) -> ToolOutcome {
        _ = try? standardOutput.readToEnd()
        run.process.waitUntilExit()
        run.markEnded()
        defer { run.scratch.remove() }
        return try run.finish(launched: true, timeout: nil)
    }
}

/// One run's process and its scratch files (standard input, output and error).
final class ToolRun: @unchecked Sendable {
    let tool: ExternalTool
    let arguments: [String]
    let process = Process()
    let scratch: TemporaryDirectory
    private let out: FileHandle
    private let err: FileHandle
    private var inputHandle: FileHandle?
    private let timedOut = LockedFlag()
    private let ended = LockedFlag()

    init(_ tool: ExternalTool, _ executable: String, _ arguments: [String], environment extra: [String: String],
         input: Data?) throws(ToolError) {
        self.tool = tool
        self.arguments = arguments
        do {
            scratch = try TemporaryDirectory("custody-tool-\(URL(fileURLWithPath: tool.name).lastPathComponent)")
            try Data().write(to: URL(fileURLWithPath: scratch.path + "/stdout"))
            try Data().write(to: URL(fileURLWithPath: scratch.path + "/stderr"))
            out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + "/stdout"))
            err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + "/stderr"))
            if let input {
                try input.write(to: URL(fileURLWithPath: scratch.path + "/stdin"))
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch.path + "/stdin"))
                inputHandle = handle
                process.standardInput = handle
            } else {
                process.standardInput = FileHandle.nullDevice
            }
        } catch {
            throw ToolError(.launch, "cannot prepare a run of \(tool.name): \(error)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        environment["LC_ALL"] = "C.UTF-8"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
    }

    /// Kills the process (SIGKILL) if it has not ended `timeout` seconds from now.
    func killAfter(_ timeout: Double?) {
        guard let timeout else { return }
        let pid = process.processIdentifier, timedOut = self.timedOut, ended = self.ended
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            // Under the lock that marks the end, so a pid already reaped (and reused) is never signalled.
            ended.unlessSet {
                timedOut.set()
                kill(pid, SIGKILL)
            }
        }
    }

    /// Marks the process as ended (it has been waited for).
    func markEnded() { ended.set() }

    /// What the run did, once it ended (or failed to start).
    func finish(launched: Bool, timeout: Double?) throws(ToolError) -> ToolOutcome {
        try? out.close()
        try? err.close()
        try? inputHandle?.close()
        guard launched else { throw ToolError(.launch, "cannot start \(tool.name) \(arguments.joined(separator: " "))") }
        let stdout = FileManager.default.contents(atPath: scratch.path + "/stdout") ?? Data()
        let stderr = FileManager.default.contents(atPath: scratch.path + "/stderr") ?? Data()
        if timedOut.isSet {
            throw ToolError(.timedOut, "\(tool.name) \(arguments.joined(separator: " ")) was killed after \(Int(timeout ?? 0)) s: \(String(decoding: stderr, as: UTF8.self))")
        }
        return ToolOutcome(tool: tool, arguments: arguments, status: process.terminationStatus, standardOutput: stdout, standardError: stderr)
    }
}

extension ToolOutcome {
    /// Self when the tool exited with 0; otherwise a ``ToolError`` naming the tool, its
    /// arguments, its status and what it printed on standard error.
    public func checked() throws(ToolError) -> ToolOutcome {
        guard status == 0 else {
            throw ToolError(.failed, "\(tool.name) \(arguments.joined(separator: " ")) exited with \(status): \(errors)")
        }
        return self
    }
}

/// A flag set from one thread and read from another (the timeout's).
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
    /// Runs `body` with the lock held, unless the flag is set.
    func unlessSet(_ body: () -> Void) { lock.withLock { if !value { body() } } }
}

/// A counting semaphore for tool runs, for tests that start many heavy tools at once
/// (media encoding) and must not starve the other suites of the same test process.
public actor ToolSlots {
    /// Two at once, shared by the media tests.
    public static let media = ToolSlots(limit: 2)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) { free = limit }

    public func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

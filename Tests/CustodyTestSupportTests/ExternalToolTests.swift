// The one runner of external tools every test target uses: a missing tool fails
// naming it and its Debian package; a failing one names its status and message.
import CustodyTestSupport
import Foundation
import Testing

@Suite("External tools")
struct ExternalToolTests {
    @Test("a missing tool fails the test with a message naming the tool and its Debian package")
    func missingToolIsNamed() async {
        let tool = ExternalTool("custody-no-such-tool", package: "custody-no-such-package")
        #expect {
            _ = try tool.path()
        } throws: { error in
            let e = error as? ToolError
            return e?.code == .missing && "\(error)".contains("'custody-no-such-tool' is not installed")
                && "\(error)".contains("Debian package: custody-no-such-package")
        }
        await #expect {
            try await tool.run([])
        } throws: { error in (error as? ToolError)?.code == .missing }
        #expect {
            try ExternalTool("/nonexistent/custody-tool", package: "p").runBlocking([])
        } throws: { error in (error as? ToolError)?.code == .missing && "\(error)".contains("'/nonexistent/custody-tool'") }
    }

    @Test("a tool's output, input, environment and exit status, waited for asynchronously or blocking")
    func runs() async throws {
        let script = "import os, sys; data = sys.stdin.read(); print(data.upper(), os.environ['TZ'], os.environ['CUSTODY_X']); print('to stderr', file=sys.stderr)"
        let output = try await ExternalTool.python3.run(["-c", script], environment: ["CUSTODY_X": "x"], input: Data("abc".utf8))
        #expect(String(decoding: output, as: UTF8.self) == "ABC UTC x\n")
        let blocking = try ExternalTool.python3.outcomeBlocking(["-c", script], environment: ["CUSTODY_X": "y"], input: Data("d".utf8))
        #expect(blocking.status == 0 && blocking.output == "D UTC y\n" && blocking.errors == "to stderr\n")
        let failed = try await ExternalTool.python3.outcome(["-c", "import sys; sys.exit(3)"])
        #expect(failed.status == 3)
    }

    @Test("a failing tool's error names it, its arguments, its status and what it printed on standard error")
    func failureIsNamed() async {
        await #expect {
            try await ExternalTool.python3.run(["-c", "import sys; print('bad input', file=sys.stderr); sys.exit(4)"])
        } throws: { error in
            let e = error as? ToolError
            return e?.code == .failed && e!.description.hasPrefix("/usr/bin/python3 -c") && e!.description.contains("exited with 4: bad input")
        }
    }

    @Test("a tool running past its time is killed and the run fails, naming it")
    func timeout() {
        #expect {
            try ExternalTool.python3.runBlocking(["-c", "import time; time.sleep(600)"], timeout: 1)
        } throws: { error in
            (error as? ToolError)?.code == .timedOut && "\(error)".contains("killed after 1 s")
        }
    }

    @Test("a launched tool's output is read as it comes, then the run is finished")
    func launched() throws {
        let running = try ExternalTool.python3.launch(["-c", "import sys; sys.stdout.write('x' * 200000)"])
        var total = 0
        while let piece = try running.standardOutput.read(upToCount: 65536), !piece.isEmpty { total += piece.count }
        #expect(total == 200_000)
        #expect(try running.finish().status == 0)
    }
}

import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyTOML

/// Random and mutated inputs: the parser must always return or throw a
/// well-positioned error, never crash or hang.
@Suite("TOML robustness")
struct TOMLRobustnessTests {
    @Test func seededRandomAndMutatedInputs() {
        var rng = SplitMix64(seed: 0xC057_0D1E)
        var parsed = 0, failed = 0
        for round in 0..<4000 {
            let text = TOMLFuzzCorpus.any(round, &rng)
            do {
                _ = try TOML.parse(text)
                parsed += 1
            } catch {
                failed += 1
                let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                #expect(error.line >= 1 && error.line <= lines, "\(error) for \(text.debugDescription)")
                #expect(error.column >= 1, "\(error) for \(text.debugDescription)")
                #expect(!error.message.isEmpty)
            }
            // The byte entry point must agree with the String one.
            if round % 10 == 0 {
                let a = TOMLCanonical.result(text)
                let b = Result { () throws(TOMLError) in TOMLCanonical.encode(try TOML.parse(utf8: Array(text.utf8))) }
                #expect(a == b)
            }
        }
        #expect(parsed > 100)
        #expect(failed > 100)
    }

    @Test func seedDocumentsParse() throws {
        for seed in TOMLFuzzCorpus.seeds {
            _ = try TOML.parse(seed)
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<1000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng)
                    : Array("=[]{}\"'#.,\n ab1".utf8).randomElement(using: &rng)!
            }
            _ = try? TOML.parse(utf8: bytes)
        }
    }

    @Test func pathologicalInputs() {
        let n = 100_000
        let inputs = [
            String(repeating: "[", count: n),
            "a = " + String(repeating: "[", count: n),
            "a = " + String(repeating: "{b = ", count: n),
            String(repeating: "a.", count: n) + "a = 1",
            "[" + String(repeating: "a.", count: n) + "a]",
            String(repeating: "[[a]]\n", count: n / 10),
            "a = \"" + String(repeating: "\\", count: n),
            "a = \"\"\"" + String(repeating: "\"", count: n),
            "a = '''" + String(repeating: "'", count: n),
            String(repeating: "#", count: n),
            String(repeating: "\n", count: n) + "a = ",
            "a = " + String(repeating: "1", count: n),
            "a = [" + String(repeating: "1,", count: n) + "]",
            String(repeating: "\r", count: n),
        ]
        for text in inputs {
            do {
                _ = try TOML.parse(text)
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        let wide = (0..<20_000).map { "k\($0) = \($0)" }.joined(separator: "\n")
        #expect(parseTOML(wide).entries.count == 20_000)
    }
}

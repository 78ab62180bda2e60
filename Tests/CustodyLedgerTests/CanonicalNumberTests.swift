import CustodyLedger
import CustodyModel
import CustodyTestSupport
import Foundation
import Testing

/// RFC 8785 3.2.2.3: numbers are written as ECMAScript's Number.prototype.toString writes them.
@Suite("RFC 8785 numbers in canonical entries")
struct CanonicalNumberTests {
    static func canonical(_ n: Double) -> String {
        var out: [UInt8] = []
        CanonicalEntry.write(.number(n), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text (every finite row).
    static let appendixB: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ]

    @Test("RFC 8785 Appendix B's numbers are written as the RFC writes them")
    func appendixBNumbers() {
        for (bits, expected) in Self.appendixB {
            #expect(Self.canonical(Double(bitPattern: bits)) == expected, "0x\(String(bits, radix: 16))")
        }
    }

    @Test("small exponents and large integers are ECMAScript's, not Swift's: 1e-7, 0.000001, 1e+21, 10000000000000000")
    func exponentForms() {
        #expect(Self.canonical(1e-7) == "1e-7")
        #expect(Self.canonical(-2.5e-7) == "-2.5e-7")
        #expect(Self.canonical(1e-6) == "0.000001")
        #expect(Self.canonical(1.5e-5) == "0.000015")
        #expect(Self.canonical(1e16) == "10000000000000000")
        #expect(Self.canonical(1e20) == "100000000000000000000")
        #expect(Self.canonical(1e21) == "1e+21")
        #expect(Self.canonical(1.25e300) == "1.25e+300")
        #expect(Self.canonical(0.1) == "0.1")
        #expect(Self.canonical(-0.0) == "0")
        #expect(Self.canonical(42) == "42")
        #expect(Self.canonical(123.456) == "123.456")
    }

    /// The repository's Python environment (scripts/install-deps.sh makes it, with the
    /// `rfc8785` package: an independent RFC 8785 implementation).
    static var python: ExternalTool {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build-venv/bin/python").path
        return ExternalTool(path, package: "python3-venv, with rfc8785 from PyPI in .build-venv")
    }

    @Test("agrees with the independent rfc8785 package on 20,000 random doubles")
    func agreesWithIndependentImplementation() async throws {
        _ = try Self.python.path()
        // On a thread of its own (it waits on a process and computes a while); judged here.
        let differing = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String], any Error>) in
            Thread { continuation.resume(with: Result { try Self.crossCheck() }) }.start()
        }
        #expect(differing.isEmpty, "\(differing.count) differ, e.g. \(differing.prefix(5))")
    }

    /// The doubles whose canonical form differs from the rfc8785 package's, described.
    static func crossCheck() throws -> [String] {
        var random = SplitMix(seed: 0x8785)
        var doubles: [Double] = []
        while doubles.count < 20_000 {
            // Half any bit pattern, half values of ordinary magnitude.
            let d = doubles.count % 2 == 0 ? Double(bitPattern: random.next())
                : Double(Int64(bitPattern: random.next()) % 1_000_000_000) / pow(10, Double(random.next() % 30))
            if d.isFinite { doubles.append(d) }
        }
        let input = doubles.map { String($0.bitPattern, radix: 16) }.joined(separator: "\n") + "\n"
        let script = """
            import struct, sys, rfc8785
            for line in sys.stdin:
                value = struct.unpack(">d", int(line, 16).to_bytes(8, "big"))[0]
                sys.stdout.write(rfc8785.dumps(value).decode() + "\\n")
            """
        let outcome = try python.outcomeBlocking(["-c", script], input: Data(input.utf8))
        guard outcome.status == 0 else { return ["the rfc8785 package is missing or failed: run scripts/install-deps.sh (\(outcome.errors))"] }
        let output = outcome.standardOutput
        let theirs = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        guard theirs.count == doubles.count else { return ["rfc8785 answered \(theirs.count) lines for \(doubles.count) numbers"] }
        return zip(doubles, theirs).compactMap { d, expected in
            canonical(d) == expected ? nil : "0x\(String(d.bitPattern, radix: 16)): ours \(canonical(d)), rfc8785 \(expected)"
        }
    }
}

/// SplitMix64: a seeded generator, so every run checks the same doubles.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

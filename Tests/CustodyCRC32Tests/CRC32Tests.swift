// The one CRC-32 (ISO 3309 / IEEE 802.3) that GPT and the ZIP bundles use, held to the
// standard's check values and to an independent implementation: Python's zlib.crc32.
import CustodyCRC32
import CustodyTestSupport
import Foundation
import Testing

@Suite("CRC-32")
struct CRC32Tests {
    @Test("known strings: the standard's check value and others")
    func knownStrings() {
        for (text, expected) in [("", UInt32(0)), ("123456789", 0xCBF4_3926), ("The quick brown fox jumps over the lazy dog", 0x414F_A339)] {
            var c = CRC32()
            Array(text.utf8).withUnsafeBytes { c.update($0) }
            #expect(c.value == expected, "\(text)")
            #expect(CRC32.checksum(Array(text.utf8)) == expected, "\(text)")
        }
    }

    /// Seeded random buffers: every length up to 64, then lengths up to 256 KiB.
    static func randomBuffers() -> [[UInt8]] {
        var random = SplitMix64(seed: 0x0C_2C32)
        var lengths = Array(0...64)
        for _ in 0..<150 { lengths.append(Int.random(in: 65...(256 << 10), using: &random)) }
        return lengths.map { length in (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) } }
    }

    @Test("random data: the same value as Python's zlib.crc32, whole, in pieces and from a slice")
    func matchesZlib() async throws {
        let buffers = Self.randomBuffers()
        let dir = try TemporaryDirectory("custody-crc32")
        defer { dir.remove() }
        for (index, buffer) in buffers.enumerated() { try dir.write("\(index).bin", Data(buffer)) }
        let script = """
            import sys, zlib
            for i in range(int(sys.argv[2])):
                with open(f"{sys.argv[1]}/{i}.bin", "rb") as f:
                    print(zlib.crc32(f.read()))
            """
        let output = try await ExternalTool.python3.run(["-c", script, dir.path, String(buffers.count)])
        let theirs = String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { UInt32($0) }
        #expect(theirs.count == buffers.count, "zlib gave \(theirs.count) values for \(buffers.count) buffers")
        var random = SplitMix64(seed: 7)
        for (index, (buffer, expected)) in zip(buffers, theirs).enumerated() {
            #expect(CRC32.checksum(buffer) == expected, "buffer \(index) (\(buffer.count) bytes), whole")
            // Fed in random pieces, as the ZIP writer feeds a file as it streams.
            var pieces = CRC32()
            var start = 0
            while start < buffer.count {
                let end = min(buffer.count, start + Int.random(in: 1...20_000, using: &random))
                buffer[start..<end].withUnsafeBytes { pieces.update($0) }
                start = end
            }
            #expect(pieces.value == expected, "buffer \(index) (\(buffer.count) bytes), in pieces")
            // A slice that does not start at index 0, and a collection that is not contiguous.
            let padded = [0xA5] + buffer
            #expect(CRC32.checksum(padded[1...]) == expected, "buffer \(index), as a slice")
            if buffer.count < 4096 {
                #expect(CRC32.checksum(buffer.lazy.map { $0 }) == expected, "buffer \(index), not contiguous")
            }
        }
    }
}

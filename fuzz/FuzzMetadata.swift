// libFuzzer entry point for CustodyMetadata: the input bytes are one evidence file.
// It runs the reader twice: over the bytes as they are, and over an input that
// claims more bytes than it returns (a file that shrank, or a device that answers
// short), so both the format walks and the short-read paths are exercised. Any trap
// (overflow, out-of-bounds index, force unwrap), hang or runaway allocation is a
// finding, and so is a result outside what MediaMetadata documents.
//
// Built by scripts/fuzz.sh together with Sources/CustodyMetadata as one module:
//   swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/CustodyMetadata/*.swift fuzz/FuzzMetadata.swift
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetadata(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(MetadataReader.read(BytesInput(bytes)))
    check(MetadataReader.read(ShortInput(bytes: bytes, claimed: UInt64(size) + 4096)))
    return 0
}

/// An input whose stated size is larger than the bytes it returns.
private struct ShortInput: MetadataInput {
    let bytes: [UInt8]
    let claimed: UInt64
    var size: UInt64 { claimed }
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try BytesInput(bytes).read(at: offset, count: count)
    }
}

/// What MediaMetadata promises, whatever the file says.
private func check(_ meta: MediaMetadata) {
    precondition(meta.problems.count <= ProblemLog.limit + 1, "more problems than the log keeps")
    if let recorded = meta.recordedAt {
        let seconds = recorded.timeIntervalSince1970
        // Year 1 to the end of 9999 (CivilTime's range), plus the sub-second part.
        precondition(seconds >= -62_135_596_800 && seconds < Double(CivilTime.maxUnixSeconds) + 1, "recording time out of range")
        precondition(meta.recordedAtSource != nil, "a recording time without its source")
    }
    if let duration = meta.durationSeconds {
        precondition(duration.isFinite && duration >= 0, "duration not a finite, non-negative number")
    }
}

// libFuzzer entry point for CustodyVolumes: the input bytes are a whole device. It
// runs the partition table reader, opens every FAT/exFAT volume found, lists it,
// maps every file's clusters and reads every file to the end. Any trap (overflow,
// out-of-bounds index, force unwrap), hang or runaway allocation is a finding.
//
// Built by scripts/fuzz.sh together with Sources/CustodyVolumes (and the CRC-32 its GPT
// reader checks with) as one module:
//   swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/CustodyVolumes/*.swift \
//     Sources/CustodyCRC32/CRC32.swift fuzz/FuzzVolumes.swift

/// Reads at most this much of any one file, so a huge (but valid) size cannot make a
/// single input slow.
private let maximumBytesPerFile: UInt64 = 64 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVolumes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let device = MemoryBlockDevice(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz input")
    let opened = try? VolumeOpener.open(device)
    for volume in opened?.volumes ?? [] {
        exercise(volume)
    }
    // The same bytes as a bare volume, when the partition probe saw a table there.
    if opened?.layout.scheme != .superfloppy, let volume = try? VolumeOpener.openVolume(device) {
        exercise(volume)
    }
    return 0
}

private func exercise(_ volume: any EvidenceVolume) {
    _ = volume.info.serial
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    let listing = volume.list()
    for file in listing.files {
        _ = file.modified?.description
        _ = file.created?.instant
        _ = try? volume.clusterRuns(of: file)
        guard var reader = try? volume.reader(for: file) else { continue }
        var total: UInt64 = 0
        while total < maximumBytesPerFile, let count = try? reader.read(into: buffer), count > 0 {
            total += UInt64(count)
        }
    }
}

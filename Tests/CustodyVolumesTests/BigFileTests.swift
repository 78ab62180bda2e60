// exFAT with a file over 4 GiB, written through exfat-fuse. Making the image writes
// 4.2 GiB, so it has its own fixture and its own test.
import CustodyVolumes
import Foundation
import Testing

/// Passes bytes through from another reader and remembers what it saw at given offsets.
struct MarkerWatchingReader: VolumeFileReader {
    var inner: any VolumeFileReader
    /// Offsets to watch and how many bytes to keep from each.
    var lengths: [UInt64: Int]
    /// The bytes found at each watched offset.
    var markers: [UInt64: [UInt8]] = [:]
    var position: UInt64 = 0

    var remaining: UInt64 { inner.remaining }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(VolumeError) -> Int {
        let count = try inner.read(into: buffer)
        // Markers are small; the tests place them inside one read.
        for (offset, length) in lengths where offset >= position && offset + UInt64(length) <= position + UInt64(count) {
            let start = Int(offset - position)
            markers[offset] = Array(buffer[start..<(start + length)])
        }
        position += UInt64(count)
        return count
    }
}

@Suite("exFAT file over 4 GiB", .needsBigTestImage)
struct BigFileTests {
    @Test("a 4200 MiB file lists with its size and streams byte for byte as icat gives it")
    func bigFile() throws {
        let directory = try TestImages.big.get()
        let image = directory.appendingPathComponent("exfat-big.img").path
        let volume = try TestImages.volume(on: try FileBlockDevice(path: image))
        #expect(volume.info.label == "BIGFILE")
        let listing = volume.list()
        #expect(listing.problems.isEmpty)
        #expect(listing.files.map(\.path).sorted() == ["after.txt", "big.bin"])
        let big = try #require(listing.files.first { $0.path == "big.bin" })
        let size: UInt64 = 4200 * 1_048_576
        #expect(big.size == size)
        #expect(big.size > UInt64(UInt32.max))
        #expect(big.validDataLength == size)
        #expect(try volume.clusterRuns(of: big).reduce(UInt64(0)) { $0 + UInt64($1.count) } * UInt64(volume.info.clusterSize) >= size)

        let expected: [UInt64: [UInt8]] = [
            0: Array("START-OF-BIG-FILE".utf8),
            2100 * 1_048_576: Array("MIDDLE-OF-BIG-FILE".utf8),
            size - 15: Array("END-OF-BIG-FILE".utf8),
        ]
        var watcher: any VolumeFileReader = MarkerWatchingReader(inner: try volume.reader(for: big),
                                                                  lengths: expected.mapValues(\.count))
        let inode = try #require(try SleuthKit.regularFiles(image, offset: 0).first { $0.path == "big.bin" }?.inode)
        let compared = try SleuthKit.compare(image, offset: 0, inode: inode, with: &watcher, bufferSize: 4 << 20, path: "big.bin")
        #expect(compared == size)
        let seen = try #require(watcher as? MarkerWatchingReader).markers
        #expect(seen == expected)

        let after = try #require(listing.files.first { $0.path == "after.txt" })
        #expect(try readAll(volume, after) == Array("after the big file\n".utf8))
    }
}

// What the images are known to hold: names, depth, empty and fragmented files,
// attributes, labels, serials, time stamps, and reading with any buffer size.
import CustodyVolumes
import Foundation
import Testing

@Suite("Volume contents")
struct VolumeContentTests {
    static let deepPath = (1...12).map { "level" + ($0 < 10 ? "0\($0)" : "\($0)") }.joined(separator: "/") + "/deep.bin"

    @Test("names, depth, empty and fragmented files", .needsTestImages, arguments: VolumeCase.all)
    func knownFiles(_ volumeCase: VolumeCase) throws {
        let volume = try TestImages.volume(volumeCase.image, partition: volumeCase.partition)
        let listing = volume.list()
        let byPath = Dictionary(listing.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["Доказ_001.mp4"]?.size == 70001)
        #expect(byPath["свидетель/показания.txt"]?.size == 12345)
        #expect(byPath["свидетель/Запись 2024-03-05.wav"]?.size == 40960)
        #expect(byPath["A rather long file name for the evidence log (version 2).txt"]?.size == 3000)
        #expect(byPath["README.TXT"]?.size == 44)
        #expect(byPath["lower.txt"] != nil)
        #expect(byPath["exact-32k.bin"]?.size == 32768)
        let deep = try #require(byPath[Self.deepPath])
        #expect(deep.size == 777)
        #expect(deep.path.split(separator: "/").count == 13)
        #expect(listing.directories.contains("свидетель"))

        let empty = try #require(byPath["empty.dat"])
        #expect(empty.size == 0 && empty.firstCluster == 0)
        var reader = try volume.reader(for: empty)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        #expect(try reader.read(into: buffer) == 0)
        #expect(try volume.clusterRuns(of: empty).isEmpty)

        let fragmented = try #require(byPath["frag/fragmented.bin"])
        let runs = try volume.clusterRuns(of: fragmented)
        #expect(runs.count > 1, "frag/fragmented.bin should be fragmented: \(runs)")
        let clusters = runs.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        #expect(clusters == (fragmented.size + UInt64(volume.info.clusterSize) - 1) / UInt64(volume.info.clusterSize))
        #expect(!fragmented.isContiguous)
        // Deleted files are counted, not listed.
        #expect(!listing.files.contains { $0.path.hasPrefix("trash/") })
        #expect(listing.deletedEntries >= 1)
    }

    @Test("FAT: short names, attributes, labels, serials and DOS time stamps", .needsTestImages)
    func fatDetails() throws {
        let expectations: [(String, Int?, FileSystemType, String, String)] = [
            ("fat12.img", nil, .fat12, "EVIDENCE12", "12AB-34CD"),
            ("fat16.img", nil, .fat16, "EVIDENCE16", "0016-CAFE"),
            ("fat32.img", nil, .fat32, "EVIDENCE32", "BEEF-0032"),
            ("mbr.img", 1, .fat16, "MBRFAT16", "1111-2222"),
            ("mbr.img", 5, .fat32, "MBRFAT32", "5555-6666"),
            ("gpt.img", 1, .fat32, "GPTFAT32", "7777-8888"),
        ]
        for (image, partition, type, label, serial) in expectations {
            let volume = try TestImages.volume(image, partition: partition)
            #expect(volume.info.fileSystem == type, "\(image)")
            #expect(volume.info.label == label)
            #expect(volume.info.serial == serial)
            #expect(volume.info.partitionIndex == partition)
            let files = Dictionary(volume.list().files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            let readOnly = try #require(files["readonly.txt"])
            #expect(readOnly.attributes.contains(.readOnly))
            let hidden = try #require(files["hidden.sys"])
            #expect(hidden.attributes.isSuperset(of: [.hidden, .system]))
            #expect(try #require(files["README.TXT"]).shortName == "README.TXT")
            #expect(try #require(files["lower.txt"]).shortName == "lower.txt")
            let long = try #require(files["A rather long file name for the evidence log (version 2).txt"])
            #expect(long.shortName == "ARATHE~1.TXT")
            // mcopy -m kept the source's modification time, 2024-03-05 14:07:32 (TZ=UTC);
            // FAT stores local time of an unknown zone.
            let dated = try #require(files["dated.txt"])
            let modified = try #require(dated.modified)
            #expect(modified.year == 2024 && modified.month == 3 && modified.day == 5)
            #expect(modified.hour == 14 && modified.minute == 7 && modified.second == 32)
            #expect(modified.resolution == .twoSeconds)
            #expect(modified.utcOffsetMinutes == nil && modified.instant == nil)
            #expect(modified.date(assumingUTCOffsetMinutes: 0) == Date(timeIntervalSince1970: 1_709_647_652))
            #expect(dated.created?.resolution == .tenMilliseconds)
            #expect(dated.accessed?.resolution == .day)
        }
    }

    @Test("exFAT: contiguous files, label, UTC-offset time stamps", .needsTestImages)
    func exfatDetails() throws {
        for (image, partition, label) in [("exfat.img", nil, "ДОКАЗ"), ("mbr.img", 6, "MBREXFAT"), ("gpt.img", 2, "GPTEXFAT")] as [(String, Int?, String)] {
            let volume = try TestImages.volume(image, partition: partition)
            #expect(volume.info.fileSystem == .exfat)
            #expect(volume.info.label == label)
            #expect(volume.info.serial?.count == 9)
            let files = Dictionary(volume.list().files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            let video = try #require(files["Доказ_001.mp4"])
            #expect(video.isContiguous)
            #expect(video.shortName == nil)
            #expect(try volume.clusterRuns(of: video).count == 1)
            // cp -p kept 2024-03-05 14:07:32 UTC; exfat-fuse records the UTC offset.
            let modified = try #require(files["dated.txt"]?.modified)
            #expect(modified.isZoneKnown)
            #expect(modified.instant == Date(timeIntervalSince1970: 1_709_647_652))
            #expect(modified.resolution == .tenMilliseconds)
            #expect(files["dated.txt"]?.accessed?.resolution == .twoSeconds)
        }
    }

    @Test("any buffer size gives the same bytes", .needsTestImages, arguments: ["fat12.img", "exfat.img"])
    func bufferSizes(_ image: String) throws {
        let volume = try TestImages.volume(image)
        let files = volume.list().files.filter { $0.size < 200_000 }
        for file in files {
            var reference: [UInt8] = []
            for size in [4 << 20, 1, 511, 4096 + 7] where size > 1 || file.size < 20_000 {
                var reader = try volume.reader(for: file)
                var bytes: [UInt8] = []
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
                defer { buffer.deallocate() }
                while true {
                    let count = try reader.read(into: buffer)
                    if count == 0 { break }
                    #expect(count <= size)
                    bytes += buffer[0..<count]
                }
                if size == 4 << 20 { reference = bytes }
                #expect(bytes.count == Int(file.size), "\(file.path) with a \(size)-byte buffer")
                #expect(bytes == reference, "\(file.path) with a \(size)-byte buffer")
            }
        }
    }

    @Test("the reader does one read per contiguous run, up to the buffer size", .needsTestImages)
    func coalescedReads() throws {
        let volume = try TestImages.volume("fat32.img")
        let file = try #require(volume.list().files.first { $0.path == "Доказ_001.mp4" })
        #expect(try volume.clusterRuns(of: file).count == 1)
        var reader = try volume.reader(for: file)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 16)
        defer { buffer.deallocate() }
        #expect(try reader.read(into: buffer) == 70001)
        #expect(try reader.read(into: buffer) == 0)
    }

    @Test("the VolumeTimestamp text says whether the zone is known")
    func timestampText() {
        let local = VolumeTimestamp(year: 2024, month: 3, day: 5, hour: 14, minute: 7, second: 32, resolution: .twoSeconds)
        #expect(local.description == "2024-03-05T14:07:32 (local time, zone unknown)")
        let exact = VolumeTimestamp(year: 2024, month: 3, day: 5, hour: 14, minute: 7, second: 32, centisecond: 45,
                                    utcOffsetMinutes: 60, resolution: .tenMilliseconds)
        #expect(exact.description == "2024-03-05T14:07:32.45+01:00")
        #expect(exact.instant == Date(timeIntervalSince1970: 1_709_647_652 - 3600 + 0.45))
        let day = VolumeTimestamp(year: 2024, month: 3, day: 5, resolution: .day)
        #expect(day.description == "2024-03-05 (local time, zone unknown)")
    }
}

// Every volume of every image, against The Sleuth Kit: the same regular files as
// `fls -r -p`, the same bytes as `icat`, the same count of deleted entries as
// `fls -d`, the same type, label and serial as `fsstat` and `blkid`.
import CustodyVolumes
import Foundation
import Testing

@Suite("Cross-check with The Sleuth Kit", .needsTestImages)
struct CrossCheckTests {
    @Test("listing equals fls", arguments: VolumeCase.all)
    func listingEqualsFls(_ volumeCase: VolumeCase) throws {
        let image = try TestImages.path(volumeCase.image)
        let volume = try TestImages.volume(volumeCase.image, partition: volumeCase.partition)
        let listing = volume.list()
        #expect(listing.problems.isEmpty, "\(listing.problems)")
        #expect(volume.info.problems.isEmpty, "\(volume.info.problems)")
        let theirs = try SleuthKit.regularFiles(image, offset: volumeCase.sectorOffset)
        let allocated = theirs.filter { !$0.deleted }.map(\.path).sorted()
        let ours = listing.files.map(\.path).sorted()
        #expect(ours == allocated)
        #expect(listing.files.count >= 15)
        let deleted = theirs.filter(\.deleted).count
        #expect(listing.deletedEntries == deleted)
        #expect(deleted >= 1)
    }

    @Test("every file's bytes equal icat's", arguments: VolumeCase.all)
    func bytesEqualIcat(_ volumeCase: VolumeCase) throws {
        let image = try TestImages.path(volumeCase.image)
        let volume = try TestImages.volume(volumeCase.image, partition: volumeCase.partition)
        let inodes = Dictionary(try SleuthKit.regularFiles(image, offset: volumeCase.sectorOffset)
            .filter { !$0.deleted }.map { ($0.path, $0.inode) }, uniquingKeysWith: { first, _ in first })
        for file in volume.list().files {
            let inode = try #require(inodes[file.path], "fls does not list \(file.path)")
            var reader = try volume.reader(for: file)
            let compared = try SleuthKit.compare(image, offset: volumeCase.sectorOffset, inode: inode, with: &reader,
                                                 bufferSize: 4 << 20, path: file.path)
            #expect(compared == file.size, "\(file.path)")
            #expect(reader.remaining == 0)
        }
    }

    @Test("type, label and serial equal fsstat's and blkid's", arguments: VolumeCase.all)
    func labelAndSerial(_ volumeCase: VolumeCase) throws {
        let image = try TestImages.path(volumeCase.image)
        let volume = try TestImages.volume(volumeCase.image, partition: volumeCase.partition)
        let info = volume.info
        let fields = try SleuthKit.fsstat(image, offset: volumeCase.sectorOffset)
        // blkid prints the serial as FAT tools do ("XXXX-XXXX"); fsstat prints exFAT
        // serials byte by byte without padding ("6b3-e1e9" for 6B03-E1E9), so it is only
        // used for FAT's volume ID.
        let probe = try Blkid.probe(image, byteOffset: volumeCase.sectorOffset * 512)
        #expect(probe["UUID"] == info.serial)
        #expect(probe["LABEL"] == info.label)
        if info.fileSystem == .exfat {
            #expect(fields["File System Type"] == "exFAT")
            #expect(probe["TYPE"] == "exfat")
            #expect(fields["Volume Label (from root directory)"] == info.label)
        } else {
            #expect(fields["File System Type"] == info.fileSystem.rawValue)
            #expect(probe["TYPE"] == "vfat" && probe["VERSION"] == info.fileSystem.rawValue)
            #expect(fields["Volume Label (Root Directory)"] == info.label)
            let id = try #require(fields["Volume ID"]).dropFirst(2)
            #expect(UInt32(id, radix: 16) == info.serialNumber)
        }
    }
}

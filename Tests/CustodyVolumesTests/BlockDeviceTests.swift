// Block devices: image files, loop devices (sector size from the kernel), windows
// onto partitions, and the errors that name what and where.
import CustodyTestSupport
import CustodyVolumes
import Foundation
import Testing

@Suite("Block devices")
struct BlockDeviceTests {
    @Test("an image file: size from fstat, 512-byte sectors, exact reads", .needsTestImages)
    func imageFile() throws {
        let path = try TestImages.path("fat12.img")
        let device = try FileBlockDevice(path: path)
        #expect(device.size == 1_474_560)
        #expect(device.sectorSize == 512)
        #expect(!device.isBlockDevice)
        var sector = [UInt8](repeating: 0, count: 512)
        try sector.withUnsafeMutableBytes { try device.read(into: $0, at: 0) }
        #expect(sector[510] == 0x55 && sector[511] == 0xAA)
    }

    @Test("errors name the path and the byte offset", .needsTestImages)
    func errors() throws {
        expectVolumeError(.deviceOpen, mentioning: ["/nonexistent/custody.img"]) { try FileBlockDevice(path: "/nonexistent/custody.img") }
        expectVolumeError(.deviceOpen, mentioning: ["neither"]) { try FileBlockDevice(path: "/tmp") }
        let device = try FileBlockDevice(path: try TestImages.path("fat12.img"))
        var buffer = [UInt8](repeating: 0, count: 1024)
        expectVolumeError(.deviceRange, mentioning: ["1474000", "1024 bytes"]) {
            try buffer.withUnsafeMutableBytes { try device.read(into: $0, at: 1_474_000) }
        }
        expectVolumeError(.deviceRange) {
            try buffer.withUnsafeMutableBytes { try device.read(into: $0, at: UInt64.max - 10) }
        }
    }

    @Test("a window onto part of a device refuses reads outside it")
    func subrange() throws {
        let parent = MemoryBlockDevice(bytes: (0..<4096).map { UInt8($0 & 0xFF) }, name: "parent")
        let window = SubrangeBlockDevice(parent: parent, start: 1024, length: 1024, name: "window")
        var bytes = [UInt8](repeating: 0, count: 4)
        try bytes.withUnsafeMutableBytes { try window.read(into: $0, at: 1020) }
        #expect(bytes == [0xFC, 0xFD, 0xFE, 0xFF])
        expectVolumeError(.deviceRange, mentioning: ["window", "1022"]) {
            try bytes.withUnsafeMutableBytes { try window.read(into: $0, at: 1022) }
        }
        let clipped = SubrangeBlockDevice(parent: parent, start: 3072, length: 4096, name: "clipped")
        #expect(clipped.isTruncated && clipped.size == 1024)
        expectVolumeError(.deviceShortRead, mentioning: ["clipped"]) {
            try bytes.withUnsafeMutableBytes { try clipped.read(into: $0, at: 2000) }
        }
    }

    @Test("a loop device: size by lseek, sector size by BLKSSZGET", .needsTestImages, .needsLoopDevices, arguments: [512, 4096])
    func loopDevice(_ sectorSize: Int) throws {
        let image = try TestImages.path("exfat.img")
        let loop = String(decoding: try ExternalTool.losetup.runBlocking(["--find", "--show", "--read-only", "--sector-size", String(sectorSize), image],
                                                                          timeout: 300),
                          as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? ExternalTool.losetup.runBlocking(["--detach", loop], timeout: 300) }
        let device = try FileBlockDevice(path: loop)
        #expect(device.isBlockDevice)
        #expect(device.sectorSize == sectorSize)
        #expect(device.size == 16 << 20)
        let viaLoop = try TestImages.volume(on: device).list()
        let viaFile = try TestImages.volume("exfat.img").list()
        #expect(viaLoop.files.map(\.path) == viaFile.files.map(\.path))
        #expect(viaLoop.problems.isEmpty)
        let file = try #require(viaLoop.files.first { $0.path == "frag/fragmented.bin" })
        let volume = try TestImages.volume(on: device)
        let fromLoop = try readAll(volume, file, bufferSize: 4 << 20)
        let fromFile = try readAll(try TestImages.volume("exfat.img"), file, bufferSize: 4 << 20)
        #expect(fromLoop == fromFile)
    }
}

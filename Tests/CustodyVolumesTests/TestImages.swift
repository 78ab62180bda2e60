// The real file-system images the tests read: made once per test process by
// scripts/make-test-images.sh (mkfs.fat + mtools, mkfs.exfat + exfat-fuse, sfdisk),
// or taken from $CUSTODY_TEST_IMAGES when that names a directory.
import CustodyTestSupport
import CustodyVolumes
import Foundation
import Testing

/// The tests that read the images run where the images can be had: as root, which
/// makes them (the exFAT ones through a loop device and FUSE), or where
/// $CUSTODY_TEST_IMAGES names a directory they were made in. Elsewhere they are
/// skipped with a message saying why; as root nothing is skipped.
extension Trait where Self == ConditionTrait {
    /// For tests of the everyday images (fat12 … gpt).
    static var needsTestImages: Self {
        .enabled(if: TestImages.available(marker: "gpt.img"),
                 "needs root: scripts/make-test-images.sh makes the exFAT images through a loop device and FUSE (or set CUSTODY_TEST_IMAGES to a directory of made images)")
    }

    /// For the test of the image holding a file over 4 GiB.
    static var needsBigTestImage: Self {
        .enabled(if: TestImages.available(marker: "exfat-big.img"),
                 "needs root: scripts/make-test-images.sh --big writes the 4 GiB file through a loop device and FUSE (or set CUSTODY_TEST_IMAGES to a directory of made images)")
    }

    /// For tests of loop devices (losetup).
    static var needsLoopDevices: Self {
        .enabled(if: geteuid() == 0, "needs root: attaching a loop device (losetup)")
    }
}

/// Setting up the images failed: the tests that need them fail with this message.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
}

enum TestImages {
    /// The package root (this file is Tests/CustodyVolumesTests/TestImages.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("scripts/make-test-images.sh")

    /// The everyday images: fat12, fat16, fat32, exfat (superfloppies), mbr, gpt.
    static let everyday: Result<URL, TestSetupError> = prepare(mode: nil, marker: "gpt.img", folder: "everyday")
    /// exfat-big.img: a file over 4 GiB.
    static let big: Result<URL, TestSetupError> = prepare(mode: "--big", marker: "exfat-big.img", folder: "big")

    /// Whether the images can be had here: ready in $CUSTODY_TEST_IMAGES (with `marker`
    /// among them), or made by the script, which needs root.
    static func available(marker: String) -> Bool {
        if let configured = ProcessInfo.processInfo.environment["CUSTODY_TEST_IMAGES"], !configured.isEmpty,
           FileManager.default.fileExists(atPath: configured + "/" + marker) {
            return true
        }
        return geteuid() == 0
    }

    /// The path of an everyday image.
    static func path(_ name: String) throws -> String {
        try everyday.get().appendingPathComponent(name).path
    }

    /// An everyday image's bytes (for corrupting a copy in memory).
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try everyday.get().appendingPathComponent(name)))
    }

    /// A per-process scratch folder, removed when the process exits.
    static let scratch: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("custody-volumes-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit {
            let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("custody-volumes-tests-\(getpid())")
            try? FileManager.default.removeItem(at: url)
        }
        return url
    }()

    private static func prepare(mode: String?, marker: String, folder: String) -> Result<URL, TestSetupError> {
        let directory: URL
        if let configured = ProcessInfo.processInfo.environment["CUSTODY_TEST_IMAGES"], !configured.isEmpty {
            directory = URL(fileURLWithPath: configured)
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(marker).path) {
                return .success(directory)
            }
        } else {
            directory = scratch.appendingPathComponent(folder)
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            _ = try ExternalTool.bash.runBlocking([script.path] + (mode.map { [$0] } ?? []) + [directory.path], timeout: 300)
        } catch {
            return .failure(TestSetupError(description: "cannot make the test images with \(script.path): \(error)"))
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(marker).path) else {
            return .failure(TestSetupError(description: "\(script.path) did not make \(marker) in \(directory.path)"))
        }
        return .success(directory)
    }

    /// Opens an image file and returns the volume of the given partition (nil: the superfloppy).
    static func volume(_ image: String, partition: Int? = nil) throws -> any EvidenceVolume {
        let device = try FileBlockDevice(path: try path(image))
        return try volume(on: device, partition: partition)
    }

    static func volume(on device: any BlockDevice, partition: Int? = nil) throws -> any EvidenceVolume {
        let opened = try VolumeOpener.open(device)
        guard let volume = opened.volumes.first(where: { $0.info.partitionIndex == partition }) else {
            throw TestSetupError(description: "\(device.name): no volume in partition \(partition.map(String.init) ?? "none"); problems: \(opened.problems)")
        }
        return volume
    }

    /// A copy of an image file on disk, for corrupting or truncating.
    static func copy(_ image: String, as name: String) throws -> URL {
        let target = scratch.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: try path(image)), to: target)
        return target
    }
}

/// One volume of one image, as the cross-checks see it.
struct VolumeCase: Sendable, CustomTestStringConvertible {
    var image: String
    /// Partition number; nil for a superfloppy.
    var partition: Int?
    /// Where the partition starts, in 512-byte sectors (fls/icat -o).
    var sectorOffset: UInt64

    var testDescription: String { partition.map { "\(image) partition \($0)" } ?? image }

    static let all: [VolumeCase] = [
        VolumeCase(image: "fat12.img", partition: nil, sectorOffset: 0),
        VolumeCase(image: "fat16.img", partition: nil, sectorOffset: 0),
        VolumeCase(image: "fat32.img", partition: nil, sectorOffset: 0),
        VolumeCase(image: "exfat.img", partition: nil, sectorOffset: 0),
        VolumeCase(image: "mbr.img", partition: 1, sectorOffset: 2048),
        VolumeCase(image: "mbr.img", partition: 5, sectorOffset: 36864),
        VolumeCase(image: "mbr.img", partition: 6, sectorOffset: 114688),
        VolumeCase(image: "gpt.img", partition: 1, sectorOffset: 2048),
        VolumeCase(image: "gpt.img", partition: 2, sectorOffset: 77824),
    ]
}


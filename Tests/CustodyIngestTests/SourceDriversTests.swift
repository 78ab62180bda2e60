#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyDevices
import CustodyModel
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyDirectory
@testable import CustodyIngest
@testable import CustodyMassStorage

/// Each driver as the engine sees it: what it opens, the descriptor the job keeps, and
/// the same source opened again from that descriptor alone.
@Suite("Source drivers")
struct SourceDriversTests {
    func keys(_ source: any EvidenceSource) -> [String] { source.files { _ in true }.map(\.path) }

    @Test("the directory driver names itself and its root, keeps the root's identity, and reopens the same tree from the descriptor")
    func directory() throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        _ = try f.writeFiles(2, size: 10)
        try f.dir.write("card/DCIM/A.MP4", Data("a".utf8))
        let driver = DirectoryDriver()
        let source = try driver.open(path: f.card, context: SourceContext())
        let descriptor = source.descriptor
        #expect(descriptor.driver == .directory && descriptor.location == f.card && descriptor.root == f.card)
        #expect(descriptor.rootIdentity == FileIdentity(try status(of: f.card)))
        #expect(descriptor.medium == nil && source.medium == nil)
        #expect(keys(source) == ["DCIM/A.MP4", "clip0.bin", "clip1.bin"])
        #expect(keys(try driver.reopen(descriptor, context: SourceContext())) == keys(source))
        // Another directory put at the root's path: the descriptor's job never reads it.
        try FileManager.default.moveItem(atPath: f.card, toPath: f.dir.path + "/moved")
        try FileManager.default.createDirectory(atPath: f.card, withIntermediateDirectories: false)
        let refused = try #require(throws: IngestError.self) { _ = try driver.reopen(descriptor, context: SourceContext()) }
        #expect(refused.code == .sourceReplaced)
    }

    @Test("the mass-storage driver reads an image as the file it was checked as, and a docked node as the medium it holds")
    func massStorage() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let image = f.dir.path + "/card.img"
        try fatCard(image, label: "CARDA", volumeID: "12345678")
        let driver = MassStorageDriver()
        let named = try driver.open(path: image, context: SourceContext())
        #expect(named.descriptor.driver == .massStorage && named.descriptor.location == image && named.descriptor.root == "volume:" + image)
        #expect(named.descriptor.rootIdentity != nil && named.descriptor.medium == nil)
        #expect(keys(named) == ["DCIM/CLIP0.MP4", "DCIM/CLIP1.MP4", "DCIM/CLIP2.MP4"])
        let medium = Medium(identity: "FAT12 1234-5678 \"CARDA\" @0", summary: "FAT12 \"CARDA\" 1234-5678")
        #expect(named.medium == medium)
        #expect(keys(try driver.reopen(named.descriptor, context: SourceContext())) == keys(named))

        // A docked node: held to its medium, not to the file, and probed to the same medium.
        let docked = try VolumeSource(devicePath: image, access: .dockedNode)
        #expect(docked.descriptor.rootIdentity == nil && docked.descriptor.medium == medium.identity)
        #expect(MassStorageDriver.probe(node: image) == .supported(medium: medium))

        // Another file at the image's path: the operator's job refuses it; the docked job reads it if it holds the same medium.
        try FileManager.default.copyItem(atPath: image, toPath: image + ".copy")
        #expect(rename(image + ".copy", image) == 0)
        let replaced = try #require(throws: IngestError.self) { _ = try driver.reopen(named.descriptor, context: SourceContext()) }
        #expect(replaced.code == .sourceReplaced)
        #expect(keys(try driver.reopen(docked.descriptor, context: SourceContext())) == keys(named))
    }

    @Test("the mass-storage probe defers an empty slot and refuses a medium with no FAT or exFAT file system, naming the node")
    func probe() throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let empty = f.dir.path + "/empty.img", zeros = f.dir.path + "/zeros.img"
        try Data().write(to: URL(fileURLWithPath: empty))
        try Data(repeating: 0, count: 1 << 20).write(to: URL(fileURLWithPath: zeros))
        #expect(MassStorageDriver.probe(node: empty) == .deferred("no medium in \(empty)"))
        guard case .unsupported(let why) = MassStorageDriver.probe(node: zeros) else {
            Issue.record("a medium of zeros was not refused")
            return
        }
        #expect(why.contains(zeros))
    }

    @Test("a build without the driver a job or request names refuses it, naming the driver")
    func missingDriver() throws {
        let refused = try #require(throws: IngestError.self) { _ = try SourceDrivers([DirectoryDriver()]).driver(.massStorage) }
        #expect(refused.code == .badRequest && refused.message.contains("massStorage"))
    }
}

/// `stat(2)` of a path, or an error naming it.
private func status(of path: String) throws -> stat {
    var status = stat()
    guard stat(path, &status) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: ["path": path]) }
    return status
}

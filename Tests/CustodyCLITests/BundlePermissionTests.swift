#if canImport(Glibc)
import Glibc
#endif
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyCLI

/// Evidence copies and their proofs are for the user who exported them: a bundle is
/// written with files 0600 and folders 0700, whatever the umask allows.
@Suite("Export bundle permissions")
struct BundlePermissionTests {
    static func mode(_ path: String) -> mode_t {
        var s = stat()
        guard lstat(path, &s) == 0 else { return 0o7777 }
        return s.st_mode & 0o7777
    }

    static func add(_ writer: inout some BundleWriter, _ path: String, _ text: String) throws {
        try writer.add(path: path, text: text)
    }

    @Test("a folder bundle: every file 0600, every folder (the bundle's own too) 0700, even under umask 000")
    func folder() throws {
        let dir = try TemporaryDirectory("bundle-modes")
        defer { dir.remove() }
        let previous = umask(0)
        defer { umask(previous) }
        let destination = dir.path + "/export-1"
        var writer = try DirectoryBundleWriter(destination: destination)
        try Self.add(&writer, "evidence/12/FILE0001.MP4", "bytes")
        try Self.add(&writer, "custody/item-12.json", "{}")
        try Self.add(&writer, "README.txt", "read me")
        try writer.finish()
        #expect(Self.mode(destination) == 0o700)
        for folder in ["evidence", "evidence/12", "custody"] { #expect(Self.mode(destination + "/" + folder) == 0o700, "\(folder)") }
        for file in ["evidence/12/FILE0001.MP4", "custody/item-12.json", "README.txt"] {
            #expect(Self.mode(destination + "/" + file) == 0o600, "\(file)")
        }
    }

    @Test("a ZIP bundle: the file is 0600 and its entries say 0600")
    func zip() throws {
        let dir = try TemporaryDirectory("bundle-modes")
        defer { dir.remove() }
        let previous = umask(0)
        defer { umask(previous) }
        let destination = dir.path + "/export-1.zip"
        var writer = try ZipBundleWriter(destination: destination)
        try Self.add(&writer, "README.txt", "read me")
        try writer.finish()
        #expect(Self.mode(destination) == 0o600)
        let python = try ZipBundleWriterTests.run(.python3, ["-c",
            "import sys, zipfile; print(oct(zipfile.ZipFile(sys.argv[1]).infolist()[0].external_attr >> 16))", destination])
        #expect(python.status == 0 && python.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0o100600", "\(python.output)\(python.errors)")
    }
}

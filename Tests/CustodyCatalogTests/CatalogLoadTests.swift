import Foundation
import Testing
@testable import CustodyCatalog

@Suite("Loading catalog directories")
struct CatalogLoadTests {
    static func entry(_ name: String, vendor: String, product: String = "0001", kind: String = "bodyCamera", driver: String = "massStorage") -> String {
        """
        [[device]]
        name = "\(name)"
        vendor = "\(vendor)"
        product = "\(product)"
        kind = "\(kind)"
        driver = "\(driver)"

        """
    }

    @Test("a directory that does not exist holds no entries")
    func missingDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let catalog = try DeviceCatalog.load(directories: [dir.path + "/nothing-here", dir.path + "/also/not/here"])
        #expect(catalog.entries.isEmpty)
        #expect(catalog.files.isEmpty)
        #expect(try DeviceCatalog.load(directories: []).entries.isEmpty)
    }

    @Test("files are read in name order; only *.toml files, not hidden ones or subdirectories")
    func whichFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("shipped/b.toml", Self.entry("B", vendor: "000b"))
        try dir.write("shipped/a.toml", Self.entry("A", vendor: "000a"))
        try dir.write("shipped/README.md", "not [[TOML")
        try dir.write("shipped/a.toml~", "not [[TOML")
        try dir.write("shipped/.hidden.toml", "not [[TOML")
        try dir.write("shipped/sub.toml/c.toml", Self.entry("C", vendor: "000c"))
        let catalog = try DeviceCatalog.load(directories: [dir.path + "/shipped"])
        #expect(catalog.files == [dir.path + "/shipped/a.toml", dir.path + "/shipped/b.toml"])
        #expect(catalog.entries.map(\.name) == ["A", "B"])
        #expect(catalog.entries[0].file == dir.path + "/shipped/a.toml")
        #expect(catalog.entries[0].line == 1)
    }

    @Test("a later directory's entry overrides an earlier one with the same match keys")
    func laterDirectoryOverrides() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("usr/cameras.toml", Self.entry("Shipped cam", vendor: "2e8a", product: "0c10") + Self.entry("Other", vendor: "1234"))
        try dir.write("etc/local.toml", Self.entry("Local cam", vendor: "2e8a", product: "0c10", kind: "stillCamera"))
        let catalog = try DeviceCatalog.load(directories: [dir.path + "/usr", dir.path + "/etc"])
        let match = try #require(catalog.match(usbDevice(0x2e8a, 0x0c10)))
        #expect(match.name == "Local cam")
        #expect(match.kind == .stillCamera)
        #expect(match.file == dir.path + "/etc/local.toml")
        #expect(catalog.match(usbDevice(0x1234, 0x0001))?.name == "Other")
        #expect(catalog.overridden.map(\.name) == ["Shipped cam"])
        // Reversed, the shipped entry is the later one.
        let reversed = try DeviceCatalog.load(directories: [dir.path + "/etc", dir.path + "/usr"])
        #expect(reversed.match(usbDevice(0x2e8a, 0x0c10))?.name == "Shipped cam")
    }

    @Test("within one directory, a later file overrides an earlier one")
    func laterFileOverrides() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("d/50-vendor.toml", Self.entry("Vendor's name", vendor: "2e8a", product: "0c10"))
        try dir.write("d/90-ours.toml", Self.entry("Our name", vendor: "2e8a", product: "0c10"))
        #expect(try DeviceCatalog.load(directories: [dir.path + "/d"]).match(usbDevice(0x2e8a, 0x0c10))?.name == "Our name")
    }

    @Test("a file in a later directory replaces the file of the same name; an empty one switches it off")
    func sameNameMasks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("usr/fallback-audio.toml", """
            [[device]]
            name = "any audio"
            interfaceClass = "01"
            kind = "audioRecorder"
            driver = "alsaCapture"
            """)
        try dir.write("usr/cameras.toml", Self.entry("Cam", vendor: "2e8a"))
        try dir.write("etc/fallback-audio.toml", "# no audio fallback at this station\n")
        let headset = usbDevice(0x046d, 0x0a44, [interface(0, 0x01, 0x01, 0x00)])
        #expect(try DeviceCatalog.load(directories: [dir.path + "/usr"]).match(headset)?.name == "any audio")
        let catalog = try DeviceCatalog.load(directories: [dir.path + "/usr", dir.path + "/etc"])
        #expect(catalog.match(headset) == nil)
        #expect(catalog.files == [dir.path + "/usr/cameras.toml", dir.path + "/etc/fallback-audio.toml"])
        #expect(catalog.entries.map(\.name) == ["Cam"])
    }

    @Test("an error in a file names the file's path and the line")
    func errorNamesFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("usr/good.toml", Self.entry("Cam", vendor: "2e8a"))
        try dir.write("etc/bad.toml", "# local models\n\n[[device]]\nname = \"x\"\nvendor = \"2e8\"\n")
        let error = loadError([dir.path + "/usr", dir.path + "/etc"])
        #expect(error?.code == .badID)
        #expect(error?.description == "\(dir.path)/etc/bad.toml:5: device[1].vendor: expected 4 hex digits such as \"2e8a\", found \"2e8\"")
    }

    @Test("a file that cannot be read is an error naming it")
    func danglingLink() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/etc/gone.toml", withDestinationPath: dir.path + "/nowhere.toml")
        let error = loadError([dir.path + "/etc"])
        #expect(error?.code == .unreadable)
        #expect(error?.file == dir.path + "/etc/gone.toml")
        #expect(error?.line == 0)
        #expect(error?.description == "\(dir.path)/etc/gone.toml: cannot read: No such file or directory")
    }

    @Test("a file without read permission is an error naming it", .enabled(if: geteuid() != 0, "root reads any file"))
    func noPermission() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("etc/secret.toml", Self.entry("Cam", vendor: "2e8a"))
        #expect(chmod(file, 0) == 0)
        let error = loadError([dir.path + "/etc"])
        #expect(error?.description == "\(file): cannot read: Permission denied")
    }

    @Test("a catalog path that is a file, not a directory, is an error")
    func notADirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("catalog.toml", Self.entry("Cam", vendor: "2e8a"))
        #expect(loadError([file])?.description == "\(file): not a directory")
    }

    @Test("bytes that are not UTF-8 are an error with their line")
    func invalidUTF8File() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/d", withIntermediateDirectories: true)
        try Data([0x23, 0x20, 0x6f, 0x6b, 0x0a, 0x23, 0x20, 0xC3, 0x28, 0x0a]).write(to: URL(fileURLWithPath: dir.path + "/d/latin1.toml"))
        let error = loadError([dir.path + "/d"])
        #expect(error?.code == .syntax)
        #expect(error?.line == 2)
        #expect(error?.file == dir.path + "/d/latin1.toml")
    }
}

import CustodyCore
import CustodyUSB
import Foundation
import Testing

/// The real libusb over the four emulated devices of system-tests/umockdev, all loaded at
/// once (each on its own bus). Run by system-tests/umockdev/run-usb-tests.sh:
/// `umockdev-run -d bodycam-mass-storage.umockdev -d ptp-still-camera.umockdev -d mtp-device.umockdev -d usb-audio-interface.umockdev -- <tests>`.
@Suite("Umockdev enumeration", .enabled(if: Umockdev.isActive, "needs emulated devices: run system-tests/umockdev/run-usb-tests.sh"))
struct UmockdevEnumerationTests {
    @Test("enumeration finds each emulated device: ids, serial, strings, interface classes and names, busPath",
          arguments: EmulatedDevice.all)
    func enumerationFindsDevice(_ emulated: EmulatedDevice) throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let expected = emulated.description
        let found = try #require(try bus.devices().first { $0.vendorID == expected.vendorID && $0.productID == expected.productID })
        #expect(found == expected)  // every field, interface names included
        #expect(found.busPath == expected.busPath)
        #expect(found.vendorHex == "2e8a")
    }

    @Test("root hubs and the docking station's hub are listed with their port chains")
    func hubs() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let devices = try bus.devices()
        #expect(devices.map(\.busPath) == ["usb1", "1-2", "1-2.3", "usb2", "2-1", "usb3", "3-4", "usb4", "4-1"])
        let rootHub = try #require(devices.first)
        #expect(rootHub.vendorID == 0x1D6B && rootHub.deviceClass == 0x09 && rootHub.portNumbers.isEmpty)
        #expect(rootHub.product == "EHCI Host Controller")
        let dock = devices[1]
        #expect(dock.product == "Custody Test Dock" && dock.serial == nil && dock.interfaces.map(\.interfaceClass) == [0x09])
    }

    @Test("an audio interface's alternate settings do not multiply its interfaces")
    func alternateSettings() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let audio = try #require(try bus.devices().first { $0.productID == 0x0C40 })
        #expect(audio.interfaces.map(\.number) == [0, 1])
    }

    @Test("strings come from sysfs where the device cannot answer (umockdev has no control transfers)")
    func stringsFallBackToSysfs() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let handle = try bus.open(EmulatedDevice.mtpDevice.description)
        defer { handle.close() }
        let error = try #require(throws: USBError.self) { try handle.stringDescriptor(3) }
        #expect(error.call == "libusb_get_string_descriptor")
        #expect(error.name == "LIBUSB_ERROR_IO")
        #expect(error.device == "3-4 2e8a:0c30")
        // …and yet the description has the serial, read from sysfs.
        #expect(try bus.devices().first { $0.productID == 0x0C30 }?.serial == "MTP0000007")
    }

    @Test("open, claim and release work; a transfer umockdev cannot carry fails naming libusb_submit_transfer")
    func openClaimTransfer() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        // The MTP device has no ioctl replay: usbfs submissions fail (the still camera's are replayed).
        let handle = try bus.open(EmulatedDevice.mtpDevice.description)
        try handle.claimInterface(0)
        let error = try #require(throws: USBError.self) {
            try handle.bulkRead(endpoint: 0x81, maxLength: 512, timeout: .milliseconds(200))
        }
        #expect(error.call == "libusb_submit_transfer" && error.code == USBError.Code.io)
        try handle.releaseInterface(0)
        handle.close()
        handle.close()
        let closed = try #require(throws: USBError.self) { try handle.claimInterface(0) }
        #expect(closed.isDisconnected && closed.call == "libusb_claim_interface")
    }

    @Test("opening a device that is not there, or whose address now holds another device, is NO_DEVICE")
    func openVanished() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        var moved = EmulatedDevice.stillCamera.description
        moved.address = 9
        let error = try #require(throws: USBError.self) { try bus.open(moved) }
        #expect(error.call == "libusb_open" && error.isDisconnected && error.message.contains("bus 2 address 9"))
        var reused = EmulatedDevice.stillCamera.description
        reused.productID = 0x0C99
        let other = try #require(throws: USBError.self) { try bus.open(reused) }
        #expect(other.isDisconnected && other.message.contains("reused"))
    }

    @Test("shutdown closes handles still open")
    func shutdownClosesHandles() throws {
        let bus = try LibUSBBus()
        let handle = try bus.open(EmulatedDevice.bodycam.description)
        bus.shutdown()
        let error = try #require(throws: USBError.self) { try handle.claimInterface(0) }
        #expect(error.isDisconnected && error.message.contains("closed"))
    }

    @Test("/dev/sdb can be backed by an image: bytes written in place into $UMOCKDEV_DIR/dev/sdb read back through /dev/sdb")
    func blockDeviceBackedByImage() throws {
        let testbed = try #require(Umockdev.environment["UMOCKDEV_DIR"])
        let image = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        // In place (truncate + write, as `cp` does): a new file would lose umockdev's device marker.
        let writer = try #require(FileHandle(forWritingAtPath: testbed + "/dev/sdb"))
        try writer.truncate(atOffset: 0)
        try writer.write(contentsOf: image)
        try writer.close()
        let reader = try #require(FileHandle(forReadingAtPath: "/dev/sdb"))
        defer { try? reader.close() }
        #expect(try reader.readToEnd() == Data(image))
        var info = stat()
        #expect(stat("/dev/sdb", &info) == 0 && (info.st_mode & S_IFMT) == S_IFBLK)
    }

    @Test("the emulated sysfs carries what the other modules read: block device, SCSI disk, ALSA card")
    func emulatedSysfs() throws {
        let root = SysfsRoot()
        let disk = "bus/usb/devices/1-2.3/1-2.3:1.0/host6/target6:0:0/6:0:0:0/block/sdb"
        #expect(root.attribute("\(disk)/size") == "131072")
        #expect(root.attribute("\(disk)/removable") == "1")
        #expect(root.attribute("bus/usb/devices/1-2.3:1.0/host6/target6:0:0/6:0:0:0/model") == "Test Bodycam")
        #expect(root.list("class/block") == ["sdb"])
        var info = stat()
        #expect(stat(root.devPath("sdb"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFBLK)
        #expect(info.st_rdev == 0x0810)  // makedev(8, 16)
        let card = "bus/usb/devices/4-1:1.0/sound/card2"
        #expect(root.attribute("\(card)/id") == "Courtroom3")
        #expect(root.attribute("\(card)/number") == "2")
        #expect(root.list("class/sound") == ["card2", "controlC2", "pcmC2D0c"])
        #expect(FileManager.default.fileExists(atPath: root.devPath("snd/pcmC2D0c")))
        for emulated in EmulatedDevice.all {
            let d = emulated.description
            let node = root.devPath(String(format: "bus/usb/%03d/%03d", d.busNumber, d.address))
            #expect(stat(node, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "\(node)")
            let base = "bus/usb/devices/\(d.busPath)"
            #expect(root.attribute("\(base)/idVendor") == d.vendorHex && root.attribute("\(base)/idProduct") == d.productHex)
            #expect(root.attribute("\(base)/busnum") == "\(d.busNumber)" && root.attribute("\(base)/devnum") == "\(d.address)")
            #expect(root.attribute("\(base)/devpath") == d.portNumbers.map(String.init).joined(separator: "."))
            #expect(root.attribute("\(base)/serial") == d.serial)
            #expect(root.attribute("\(base)/speed") != nil)
        }
    }
}

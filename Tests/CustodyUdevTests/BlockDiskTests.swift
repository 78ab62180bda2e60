import Testing
@testable import CustodyUdev

@Suite("Block disks")
struct BlockDiskTests {
    @Test("a kernel name is accepted only if /dev/<name> stays in /dev")
    func plausibleNames() {
        for name in ["sdb", "sdaa", "mmcblk0", "nvme0n1", "loop7", "dm-3", "md_0"] { #expect(BlockDisk.isPlausibleName(name), "\(name)") }
        for name in ["", "..", "../sda", "sd b", "sdb/", "a/b", String(repeating: "a", count: 33), "sdé"] {
            #expect(!BlockDisk.isPlausibleName(name), "\(name)")
        }
    }

    @Test("a libudev failure names the call, what it was about, errno and the stable code")
    func errorText() {
        let error = UdevError(.monitor, call: "udev_monitor_enable_receiving", subject: "block/disk", errno: 13)
        #expect(error.description == "udev_monitor_enable_receiving(block/disk): Permission denied (errno 13) [udev-monitor]")
        #expect(throws: UdevError(.enumerate, call: "udev_enumerate_scan_devices", subject: "block", errno: 2)) {
            try UdevError.check(-2, .enumerate, call: "udev_enumerate_scan_devices", subject: "block")
        }
    }
}

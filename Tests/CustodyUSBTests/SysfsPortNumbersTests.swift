import CustodyCore
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyUSB

@Suite("Port chains checked against sysfs")
struct SysfsPortNumbersTests {
    @Test("a short chain from hotplug is corrected from the directory whose busnum and devnum match")
    func correctsShortChain() throws {
        let dir = try TemporaryDirectory("custody-usb-sysfs")
        defer { dir.remove() }
        for (name, bus, dev) in [("1-2", 1, 2), ("1-2.3", 1, 5), ("2-1", 2, 5)] {
            try dir.write("sys/bus/usb/devices/\(name)/busnum", Data("\(bus)\n".utf8))
            try dir.write("sys/bus/usb/devices/\(name)/devnum", Data("\(dev)\n".utf8))
        }
        try dir.write("sys/bus/usb/devices/1-2.3:1.0/bInterfaceClass", Data("08\n".utf8))
        let describer = LibUSBDescriber(sysfs: SysfsRoot(sys: dir.path + "/sys", dev: dir.path + "/dev"))
        #expect(describer.sysfsPortNumbers(bus: 1, address: 5, claimed: [3]) == [2, 3])
        #expect(describer.sysfsPortNumbers(bus: 1, address: 5, claimed: [2, 3]) == [2, 3])
        #expect(describer.sysfsPortNumbers(bus: 1, address: 2, claimed: [2]) == [2])
        #expect(describer.sysfsPortNumbers(bus: 2, address: 5, claimed: [9]) == [1])
        #expect(describer.sysfsPortNumbers(bus: 3, address: 1, claimed: [1]) == nil)
    }
}

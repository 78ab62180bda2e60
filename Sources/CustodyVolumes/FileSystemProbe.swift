/// Recognising a boot sector: which file system a partition or device holds.
enum FileSystemProbe {
    enum Kind: Equatable {
        case fat
        case exfat
    }

    /// What the sector claims to be, loosely: exFAT by its name, FAT by its jump
    /// instruction or its "FAT" type string. The claim is then checked in full by the
    /// file system's parser, so a damaged boot sector gets a precise error.
    static func kind(of sector: [UInt8]) -> Kind? {
        guard sector.count >= 512 else { return nil }
        if sector.matches("EXFAT   ", at: 3) { return .exfat }
        for other in ["NTFS    ", "-FVE-FS-", "MSWIN4.1NTFS"] where sector.matches(other, at: 3) { return nil }
        if sector.matches("FAT", at: 54) || sector.matches("FAT32", at: 82) { return .fat }
        let jumps = (sector[0] == 0xEB && sector[2] == 0x90) || sector[0] == 0xE9
        if jumps, [512, 1024, 2048, 4096].contains(sector.le16(11)) { return .fat }
        return nil
    }

    /// Strictly: an exFAT boot sector, or a FAT boot sector whose BPB checks out.
    /// Used to tell a boot sector at byte 0 from an MBR.
    static func isBootSector(_ sector: [UInt8]) -> Bool {
        switch kind(of: sector) {
        case .exfat:
            return sector[510] == 0x55 && sector[511] == 0xAA && sector[11..<64].allSatisfy { $0 == 0 }
        case .fat:
            let jumps = (sector[0] == 0xEB && sector[2] == 0x90) || sector[0] == 0xE9
            return jumps && (try? FATBootSector.parse(sector, name: "probe")) != nil
        case nil:
            return false
        }
    }
}

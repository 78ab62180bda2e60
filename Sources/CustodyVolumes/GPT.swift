// The fuzzer builds this module's sources and CustodyCRC32's as one module (scripts/fuzz.sh),
// where there is nothing to import.
#if canImport(CustodyCRC32)
import CustodyCRC32
#endif

/// GUID partition tables: the header (CRC32-checked) at LBA 1, its partition entry
/// array (CRC32-checked), and the backup header at the last LBA used when the primary
/// is bad.
enum GPT {
    /// Partition entry arrays larger than this are refused (the usual array is 16 KiB).
    static let maximumEntryArrayBytes = 1 << 20

    struct Header {
        var lba: UInt64
        var firstUsableLBA: UInt64
        var lastUsableLBA: UInt64
        var diskGUID: String
        var entriesLBA: UInt64
        var entryCount: Int
        var entrySize: Int
    }

    static let basicDataGUID = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
    static let typeNames: [String: String] = [
        basicDataGUID: "Microsoft basic data",
        "C12A7328-F81F-11D2-BA4B-00A0C93EC93B": "EFI system",
        "0FC63DAF-8483-4772-8E79-3D69D8477DE4": "Linux filesystem",
        "E3C9E316-0B5C-4DB8-817D-F92DF00215AE": "Microsoft reserved",
    ]

    /// Reads the GPT of `device`; a bad primary header or array makes it use the backup
    /// (and say so in the problems).
    static func read(_ device: any BlockDevice) throws(VolumeError) -> PartitionLayout {
        var candidates = [UInt64(device.sectorSize)]
        if device.sectorSize == 512 { candidates.append(4096) } else { candidates.append(512) }
        var firstFailure: VolumeError?
        for sectorSize in candidates {
            do throws(VolumeError) {
                return try read(device, sectorSize: sectorSize)
            } catch {
                if firstFailure == nil { firstFailure = error }
            }
        }
        throw firstFailure ?? VolumeError(.gptHeaderInvalid, "\(device.name): no GPT header")
    }

    private static func read(_ device: any BlockDevice, sectorSize: UInt64) throws(VolumeError) -> PartitionLayout {
        guard device.size >= 3 * sectorSize else {
            throw VolumeError(.gptHeaderInvalid, "\(device.name): too small (\(device.size) bytes) for a GPT with \(sectorSize)-byte sectors")
        }
        var problems: [VolumeProblem] = []
        let lastLBA = device.size / sectorSize - 1
        let table: (Header, [UInt8])
        do throws(VolumeError) {
            table = try loadTable(device, lba: 1, sectorSize: sectorSize)
        } catch let primaryError {
            do throws(VolumeError) {
                table = try loadTable(device, lba: lastLBA, sectorSize: sectorSize)
            } catch let backupError {
                throw VolumeError(primaryError.code,
                    "\(device.name): the primary GPT is bad (\(primaryError.message)) and so is the backup (\(backupError.message))")
            }
            problems.append(primaryError)
            problems.append(VolumeError(.gptBackupUsed,
                "\(device.name): the primary GPT header at LBA 1 is bad (\(primaryError.code.rawValue)); the backup header at LBA \(lastLBA) was used"))
        }
        let (header, entries) = table
        var layout = PartitionLayout(scheme: .gpt, problems: problems, diskGUID: header.diskGUID)
        for number in 0..<header.entryCount {
            let base = number * header.entrySize
            let entry = Array(entries[base..<(base + 128)])
            guard entry[0..<16].contains(where: { $0 != 0 }) else { continue }
            if let partition = makePartition(device, index: number + 1, entry: entry, header: header,
                                             sectorSize: sectorSize, problems: &layout.problems) {
                layout.partitions.append(partition)
            }
        }
        return layout
    }

    /// The header at `lba` and its entry array, both checked.
    static func loadTable(_ device: any BlockDevice, lba: UInt64, sectorSize: UInt64) throws(VolumeError) -> (Header, [UInt8]) {
        let place = "the GPT header at LBA \(lba) of \(device.name)"
        guard let offset = lba.times(sectorSize) else {
            throw VolumeError(.gptHeaderInvalid, "\(place) is beyond any device")
        }
        let sector = try device.readBytes(at: offset, count: Int(sectorSize), what: "GPT header at LBA \(lba)")
        guard sector.matches("EFI PART", at: 0) else {
            throw VolumeError(.gptHeaderInvalid, "\(place) has no \"EFI PART\" signature")
        }
        let headerSize = Int(sector.le32(12))
        guard headerSize >= 92, headerSize <= sector.count else {
            throw VolumeError(.gptHeaderInvalid, "\(place) gives an impossible header size of \(headerSize) bytes")
        }
        var copy = Array(sector[0..<headerSize])
        copy.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        let stored = sector.le32(16)
        let computed = CRC32.checksum(copy)
        guard stored == computed || FuzzingMode.acceptsBadChecksums else {
            throw VolumeError(.gptHeaderInvalid, "\(place) fails its CRC32 check (stored \(hex32(stored)), computed \(hex32(computed)))")
        }
        let myLBA = sector.le64(24)
        guard myLBA == lba else {
            throw VolumeError(.gptHeaderInvalid, "\(place) says it is at LBA \(myLBA)")
        }
        let header = Header(lba: lba, firstUsableLBA: sector.le64(40), lastUsableLBA: sector.le64(48),
                            diskGUID: guidString(sector, at: 56), entriesLBA: sector.le64(72),
                            entryCount: Int(sector.le32(80)), entrySize: Int(sector.le32(84)))
        guard header.firstUsableLBA <= header.lastUsableLBA else {
            throw VolumeError(.gptHeaderInvalid, "\(place) has first usable LBA \(header.firstUsableLBA) after last usable LBA \(header.lastUsableLBA)")
        }
        guard header.entrySize >= 128, header.entrySize % 8 == 0, header.entryCount >= 1,
              header.entryCount <= maximumEntryArrayBytes / header.entrySize else {
            throw VolumeError(.gptEntriesInvalid, "\(place) describes an impossible partition entry array (\(header.entryCount) entries of \(header.entrySize) bytes)")
        }
        let arrayBytes = header.entryCount * header.entrySize
        guard let arrayOffset = header.entriesLBA.times(sectorSize) else {
            throw VolumeError(.gptEntriesInvalid, "\(place) puts its partition entries at an impossible LBA \(header.entriesLBA)")
        }
        let entries = try device.readBytes(at: arrayOffset, count: arrayBytes, what: "GPT partition entry array at LBA \(header.entriesLBA)")
        let storedArray = sector.le32(88)
        let computedArray = CRC32.checksum(entries)
        guard storedArray == computedArray || FuzzingMode.acceptsBadChecksums else {
            throw VolumeError(.gptEntriesInvalid, "the GPT partition entry array at LBA \(header.entriesLBA) of \(device.name) fails its CRC32 check (stored \(hex32(storedArray)), computed \(hex32(computedArray)))")
        }
        return (header, entries)
    }

    private static func makePartition(_ device: any BlockDevice, index: Int, entry: [UInt8], header: Header,
                                      sectorSize: UInt64, problems: inout [VolumeProblem]) -> Partition? {
        let type = guidString(entry, at: 0)
        let first = entry.le64(32)
        let last = entry.le64(40)
        guard first <= last else {
            problems.append(VolumeError(.partitionInvalid, "\(device.name): GPT partition \(index) ends (LBA \(last)) before it starts (LBA \(first)); it is skipped"))
            return nil
        }
        if first < header.firstUsableLBA || last > header.lastUsableLBA {
            problems.append(VolumeError(.partitionInvalid, "\(device.name): GPT partition \(index) (LBA \(first)–\(last)) lies outside the usable LBAs \(header.firstUsableLBA)–\(header.lastUsableLBA)"))
        }
        guard let count = (last - first).plus(1), let offset = first.times(sectorSize), let length = count.times(sectorSize) else {
            problems.append(VolumeError(.partitionInvalid, "\(device.name): GPT partition \(index) spans an impossible range (LBA \(first)–\(last)); it is skipped"))
            return nil
        }
        guard offset < device.size else {
            problems.append(VolumeError(.partitionInvalid, "\(device.name): GPT partition \(index) starts at LBA \(first), beyond the end of the device; it is skipped"))
            return nil
        }
        if length > device.size - offset {
            problems.append(VolumeError(.partitionInvalid, "\(device.name): GPT partition \(index) ends beyond the end of the device (\(device.size) bytes): the device is truncated"))
        }
        var nameUnits = entry.utf16Units(at: 56, count: 36)
        if let end = nameUnits.firstIndex(of: 0) { nameUnits.removeSubrange(end...) }
        let name = MediaText.escaped(nameUnits)
        return Partition(index: index, kind: .gpt, firstSector: first, sectorCount: count, sectorSize: Int(sectorSize),
                         byteOffset: offset, byteLength: length, type: type, typeName: typeNames[type],
                         name: name.isEmpty ? nil : name, uniqueGUID: guidString(entry, at: 16))
    }

    /// A GUID in its usual text form: the first three fields are little-endian.
    static func guidString(_ bytes: [UInt8], at offset: Int) -> String {
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        var text = ""
        for index in order {
            if index < 0 { text += "-"; continue }
            text += MBR.hex(bytes[offset + index]).uppercased()
        }
        return text
    }

    static func hex32(_ value: UInt32) -> String {
        "0x" + [24, 16, 8, 0].map { MBR.hex(UInt8(truncatingIfNeeded: value >> UInt32($0))) }.joined()
    }
}

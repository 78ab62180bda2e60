/// VFAT long names: a run of 0x0F-attribute entries before a short entry, stored
/// last part first, each carrying 13 UTF-16 units, its sequence number and the
/// checksum of the short name it belongs to. A run that is broken, incomplete or
/// whose checksum does not match is not used: the short name stands, and the
/// listing records a `long-name-mismatch` problem.
struct LongNameAccumulator {
    private var parts: [[UInt16]] = []
    private var checksum: UInt8 = 0
    /// The sequence number the next entry must have; 0 once the run is complete.
    private var expected = 0
    private(set) var isActive = false

    /// Adds the long-name entry at `offset`; returns what was wrong, if it broke a run.
    mutating func add(_ entry: [UInt8], at offset: Int) -> String? {
        let order = entry[offset]
        let sequence = Int(order & 0x1F)
        let sum = entry[offset + 13]
        var units = entry.utf16Units(at: offset + 1, count: 5)
        units += entry.utf16Units(at: offset + 14, count: 6)
        units += entry.utf16Units(at: offset + 28, count: 2)
        if order & 0x40 != 0 {
            let interrupted = isActive
            reset()
            guard (1...20).contains(sequence) else {
                return "a long-name entry gives sequence number \(sequence) (must be 1–20); it is ignored"
            }
            parts = Array(repeating: [], count: sequence)
            parts[sequence - 1] = units
            checksum = sum
            expected = sequence - 1
            isActive = true
            return interrupted ? "a long name was cut short by the start of another one; it is ignored" : nil
        }
        guard isActive, sequence >= 1, sequence == expected, sum == checksum else {
            let hadRun = isActive
            reset()
            return hadRun
                ? "a long-name entry (sequence \(sequence)) does not continue the long name before it; both are ignored"
                : "a long-name entry (sequence \(sequence)) has no first part (an orphan); it is ignored"
        }
        parts[sequence - 1] = units
        expected -= 1
        return nil
    }

    /// The long name of the short entry at `offset` (its UTF-16 units), if the run before
    /// it is complete and carries its checksum; otherwise nil and, when a run was pending, why not.
    mutating func take(shortEntry entry: [UInt8], at offset: Int) -> (name: [UInt16]?, problem: String?) {
        defer { reset() }
        guard isActive else { return (nil, nil) }
        guard expected == 0 else {
            return (nil, "its long name is incomplete (parts \(expected)…1 are missing); the short name is used")
        }
        let shortSum = ShortNames.checksum(entry, at: offset)
        guard shortSum == checksum else {
            return (nil, "its long name carries checksum 0x\(MBR.hex(checksum)) but the short name's is 0x\(MBR.hex(shortSum)) (an orphaned long name); the short name is used")
        }
        var units = Array(parts.joined())
        if let end = units.firstIndex(of: 0) { units.removeSubrange(end...) }
        guard !units.isEmpty, units.count <= 255 else {
            return (nil, "its long name is \(units.count) characters long (must be 1–255); the short name is used")
        }
        return (units, nil)
    }

    /// Drops a pending run; returns whether there was one (an orphan).
    mutating func abandon() -> Bool {
        defer { reset() }
        return isActive
    }

    private mutating func reset() {
        parts = []
        checksum = 0
        expected = 0
        isActive = false
    }
}

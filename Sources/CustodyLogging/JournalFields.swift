import Logging

/// Turns log records into journal fields (systemd.journal-fields(7)) and into the
/// native protocol's datagram.
public enum JournalFields {
    /// The syslog priority of a level: trace and debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A metadata key as a journal field name: upper case, anything but letters,
    /// digits and `_` becomes `_`, no leading `_` or digit (those are the
    /// journal's own), at most 64 characters. `job_id` → `JOB_ID`,
    /// `device.serial` → `DEVICE_SERIAL`. Nil when nothing is left.
    public static func fieldName(_ key: String) -> String? {
        var name = String(key.uppercased().map { c -> Character in
            (c.isASCII && (c.isLetter || c.isNumber)) ? c : "_"
        })
        while let first = name.first, first == "_" || first.isNumber { name.removeFirst() }
        name = String(name.prefix(64))
        return name.isEmpty ? nil : name
    }

    /// The fields of one record, in order. Metadata may not replace the
    /// record's own fields (MESSAGE, PRIORITY, …).
    public static func fields(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata,
                              file: String, function: String, line: UInt, identifier: String) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("MESSAGE", message),
            ("PRIORITY", String(priority(level))),
            ("SYSLOG_IDENTIFIER", identifier),
            ("CODE_FILE", file),
            ("CODE_LINE", String(line)),
            ("CODE_FUNC", function),
            ("LOGGER", label),
        ]
        let reserved = Set(fields.map(\.0))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(key), !reserved.contains(name) else { continue }
            fields.append((name, "\(value)"))
        }
        return fields
    }

    /// The native protocol's datagram: `NAME=value\n`, or for a value holding a
    /// line feed `NAME\n`, its length as 64-bit little endian, the value, `\n`.
    public static func datagram(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            let bytes = Array(value.utf8)
            out += Array(name.utf8)
            if bytes.contains(UInt8(ascii: "\n")) {
                out.append(UInt8(ascii: "\n"))
                var length = UInt64(bytes.count).littleEndian
                withUnsafeBytes(of: &length) { out += $0 }
            } else {
                out.append(UInt8(ascii: "="))
            }
            out += bytes
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

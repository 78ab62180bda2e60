/// Where things go in an export bundle. The layout is documented in the bundle's
/// README and relied on by the independent verifier (`tools/verify-export`).
public enum BundleLayout {
    public static let format = "custody-export/1"
    public static let manifest = "manifest.json"
    public static let checksums = "SHA256SUMS"
    public static let checkpoint = "checkpoint.txt"
    public static let stationKey = "station-key.txt"
    public static let caseDocument = "case-uco.jsonld"
    public static let readme = "README.txt"
    public static let exportProof = "custody/export.json"
    public static func custody(item: Int64) -> String { "custody/item-\(item).json" }

    /// `evidence/ID/NAME`: the item's original file name under a folder of its own id,
    /// so that two cameras' `FILE0001.MP4` never collide.
    public static func evidence(item: Int64, sourcePath: String) -> String {
        "evidence/\(item)/\(safeName(sourcePath, item: item))"
    }

    /// The last component of `sourcePath`, kept as it was (any script) except for what
    /// no file system or `sha256sum -c` line can hold: slashes, backslashes, control
    /// characters, and a name of only dots.
    public static func safeName(_ sourcePath: String, item: Int64) -> String {
        let last = sourcePath.split(separator: "/").last.map(String.init) ?? ""
        var name = String(String.UnicodeScalarView(last.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar == "\\" ? "_" : scalar
        }))
        if name.allSatisfy({ $0 == "." }) { name = "" }
        // Long names keep their end (the extension), within what file systems allow.
        while name.utf8.count > 200 { name.removeFirst() }
        return name.isEmpty ? "item-\(item)" : name
    }
}

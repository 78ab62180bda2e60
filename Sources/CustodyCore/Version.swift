/// Custody's version, reported by `custodyctl status` and `--version`.
public enum CustodyVersion {
    public static let string = "0.1.0"
}

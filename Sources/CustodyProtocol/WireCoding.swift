import Foundation

/// The one JSON encoder and decoder of the protocol: sorted keys, no escaped slashes.
public enum Wire {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
    public static let decoder = JSONDecoder()
}

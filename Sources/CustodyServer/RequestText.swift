import CustodyModel
import CustodyProtocol
import Foundation

/// Text a custody record cannot keep whole is refused at the door: NUL (SQLite ends
/// text there, so a recorded event would no longer hash to its ledger leaf), unpaired
/// surrogates and bytes that are not UTF-8 (no text holds them). Checked before any
/// route or role check runs, so such a request records nothing and is answered 400
/// naming where the text was: the request path, a query parameter, or a JSON field.
extension ControlRequest {
    /// The refusal for this request's text, or nil when all of it can be kept.
    func textProblem() -> ProblemDTO? {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if let problem = Self.problem(inEncoded: parts.first ?? "", plusIsSpace: false, what: "the request path") { return problem }
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = kv[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
                let what = name.map { "query parameter \($0.replacingOccurrences(of: "\0", with: "\\0"))" } ?? "a query parameter name"
                if let problem = Self.problem(inEncoded: kv[0], plusIsSpace: true, what: "a query parameter name") { return problem }
                if kv.count > 1, let problem = Self.problem(inEncoded: kv[1], plusIsSpace: true, what: what) { return problem }
            }
        }
        return bodyTextProblem()
    }

    /// A percent-encoded part of the URI: not UTF-8 once decoded, or holding NUL.
    private static func problem(inEncoded part: Substring, plusIsSpace: Bool, what: String) -> ProblemDTO? {
        let text = plusIsSpace ? part.replacingOccurrences(of: "+", with: " ") : String(part)
        guard let decoded = text.removingPercentEncoding else {
            // `removingPercentEncoding` answers nil for bytes that are not UTF-8 (an encoded
            // surrogate such as %ED%A0%80 is one) and for a stray '%': only the first is refused here.
            return percentDecodesToBytes(text)
                ? .badRequest("\(what) is not UTF-8 once percent-decoded (an unpaired surrogate or a stray byte); a custody record keeps only Unicode text")
                : nil
        }
        guard !decoded.utf8.contains(0) else {
            return .badRequest("\(what) holds U+0000 (NUL, %00), which a custody record cannot keep")
        }
        return nil
    }

    /// Whether `text` is well-formed percent-encoding (so its bytes, not its syntax, are at fault).
    private static func percentDecodesToBytes(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
                i += 3
            } else {
                i += 1
            }
        }
        return true
    }

    /// A JSON body whose strings hold NUL, unpaired surrogates or bytes that are not
    /// UTF-8. A body that is not JSON at all is left to its route, which says so.
    private func bodyTextProblem() -> ProblemDTO? {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(utf8: Array(body))
        } catch {
            let field = error.field.isEmpty ? "the JSON body" : "field \"\(error.field)\""
            let place = error.message.hasSuffix(" in a member name") ? "a member name in \(field)" : field
            if error.message.hasPrefix("unpaired surrogate") {
                return .badRequest("\(place) holds an unpaired surrogate (a \\uD800–\\uDFFF escape without its pair, at byte \(error.offset)); a custody record keeps only Unicode text")
            }
            if error.message.hasPrefix("a string is not valid UTF-8") {
                return .badRequest("\(place) is not valid UTF-8 (at byte \(error.offset)); a custody record keeps only Unicode text")
            }
            return nil
        }
        return Self.nulProblem(in: value, path: [])
    }

    /// The first string (value or member name) holding NUL, named by its field.
    private static func nulProblem(in value: JSONValue, path: [String]) -> ProblemDTO? {
        switch value {
        case .string(let s) where s.utf8.contains(0):
            let name = path.isEmpty ? "the JSON body" : "field \"\(JSONValue.field(path))\""
            return .badRequest("\(name) holds U+0000 (NUL, \\u0000), which a custody record cannot keep")
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let problem = nulProblem(in: item, path: path + ["[\(i)]"]) { return problem }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                if key.utf8.contains(0) {
                    let inside = path.isEmpty ? "" : " of field \"\(JSONValue.field(path))\""
                    return .badRequest("a member name\(inside) holds U+0000 (NUL, \\u0000), which a custody record cannot keep")
                }
                if let problem = nulProblem(in: members[key]!, path: path + [key]) { return problem }
            }
        default:
            break
        }
        return nil
    }
}

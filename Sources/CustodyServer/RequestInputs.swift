import CustodyCore
import CustodyModel
import CustodyProtocol
import Foundation

/// Reading what a request brings — its JSON body, path ids, query parameters — each
/// checked against its documented range (``RequestBounds``) before any handler uses
/// it; anything else is a 400 problem naming the field, the range and the value.
extension ControlRoutes {
    /// The longest part of a request echoed back in a problem's detail.
    static let echoedScalars = 64

    /// The JSON body, decoded and its numbers checked; `example` shows what is expected.
    func decodeBody<T: RequestBody>(_ type: T.Type, _ request: ControlRequest, example: String) throws -> T {
        let body: T
        do {
            body = try StrictBody.decode(T.self, from: request.body)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw ProblemDTO.badRequest("the body must be JSON like \(example): \(Self.unreadable(request.body))")
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like \(example): \(Self.describe(error))")
        }
        do {
            try body.checkRanges()
        } catch {
            throw ProblemDTO.badRequest(error.description)
        }
        return body
    }

    /// An id in the path (or a query parameter naming one), in ``RequestBounds/id``.
    func pathID(_ text: String, _ what: String) throws -> Int64 {
        guard let id = Int64(text), RequestBounds.id.contains(id) else {
            throw ProblemDTO.badRequest("\(what) id must be a positive integer (at most \(RequestBounds.id.upperBound)), not \"\(Self.echo(text))\"")
        }
        return id
    }

    /// An integer query parameter in `range`, or `value` when absent.
    func intParameter<T: FixedWidthInteger>(_ request: ControlRequest, _ name: String, default value: T, range: ClosedRange<T>) throws -> T {
        guard let text = request.query[name] else { return value }
        guard let n = T(text), range.contains(n) else {
            throw ProblemDTO.badRequest("query parameter \(name) must be an integer in \(range.lowerBound)...\(range.upperBound), not \"\(Self.echo(text))\"")
        }
        return n
    }

    /// An RFC 3339 time query parameter in ``RequestBounds/times``, or nil when absent.
    func dateParameter(_ request: ControlRequest, _ name: String) throws -> Date? {
        guard let text = request.query[name] else { return nil }
        guard let date = RFC3339.parse(text), RequestBounds.times.contains(date) else {
            throw ProblemDTO.badRequest("query parameter \(name) must be an RFC 3339 time in \(RequestBounds.timesText) such as 2026-11-22T08:00:00Z, not \"\(Self.echo(text))\"")
        }
        return date
    }

    /// A request's text as echoed in a problem: at most ``echoedScalars`` Unicode scalars.
    static func echo(_ text: String) -> String {
        RefusalRecorder.capped(text, echoedScalars)
    }

    /// Why a body the decoder found corrupted cannot be read: where it is not JSON, or
    /// which number fits no integer field (the decoder does not say).
    static func unreadable(_ body: Data) -> String {
        let value: JSONValue
        do {
            value = try JSONValue.parse(String(decoding: body, as: UTF8.self))
        } catch {
            return "not valid JSON (\(error))"
        }
        guard let (field, number) = unfitNumbers(value, path: "").first else { return "not valid JSON" }
        return "\"\(field)\" cannot be read: \(number) is not an integer in -\(RequestBounds.largestExactInteger)...\(RequestBounds.largestExactInteger)"
    }

    /// Numbers that no integer field takes: fractional, or beyond 2^53 - 1 either way.
    static func unfitNumbers(_ value: JSONValue, path: String) -> [(String, String)] {
        switch value {
        case .number(let n):
            let fits = n.rounded() == n && abs(n) <= Double(RequestBounds.largestExactInteger)
            return fits ? [] : [(path, "\(n)")]
        case .array(let items):
            return items.enumerated().flatMap { unfitNumbers($0.element, path: "\(path)[\($0.offset)]") }
        case .object(let members):
            return members.keys.sorted().flatMap { unfitNumbers(members[$0]!, path: path.isEmpty ? $0 : "\(path).\($0)") }
        case .string, .bool, .null:
            return []
        }
    }

    static func describe(_ error: any Error) -> String {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \"\(field(ctx.codingPath))\""
        case DecodingError.dataCorrupted(let ctx) where !ctx.codingPath.isEmpty:
            // e.g. a number too large for its field: name the field.
            return "\"\(field(ctx.codingPath))\" cannot be read: \(ctx.debugDescription)"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }
}

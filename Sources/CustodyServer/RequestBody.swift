import CustodyModel
import CustodyProtocol
import Foundation

/// Request bodies, decoded the one way every route decodes them.
enum StrictBody {
    /// A member of the body's type written as `null`: the API document gives no request
    /// member a null value, and leaving it out is the one way to say "not given" (a null
    /// `item` beside a `case` would otherwise pass for one of the two). Members the type
    /// does not have are ignored, null or not.
    struct NullMember: Error, CustomStringConvertible {
        var name: String
        var description: String { "member \"\(name)\" is null: leave it out to leave it unset" }
    }

    /// Decodes `body` as `T` (Wire.decoder), then refuses any of `T`'s own members given as null.
    /// - Throws: the decoder's `DecodingError`, or ``NullMember``.
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        let value = try Wire.decoder.decode(T.self, from: body)
        // The stored properties' names are the body's member names (the request types keep
        // the synthesized coding keys).
        let members = Set(Mirror(reflecting: value).children.compactMap(\.label))
        if case .object(let given)? = try? JSONValue.parse(String(decoding: body, as: UTF8.self)),
           let name = given.filter({ $0.value == .null && members.contains($0.key) }).keys.sorted().first {
            throw NullMember(name: name)
        }
        return value
    }
}

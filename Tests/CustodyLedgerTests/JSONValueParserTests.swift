import CustodyModel
import Foundation
import Testing

@Suite("JSON reader for event details")
struct JSONValueParserTests {
    static let texts = [
        #"{}"#, #"[]"#, #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #" { "job" : 12 , "size" : 1048576 , "ratio" : -1.5e3 , "tiny" : 2.5E-7 } "#,
        #"{"path":"DCIM\/100MEDIA\/FILE0001.MP4","q":"say \"hi\"","bs":"a\\b","ctl":"\b\f\n\r\t\u0001"}"#,
        #"{"cyr":"Саслушање","esc":"\u0421\u0430","pair":"\ud83d\udcf9","raw":"📹"}"#,
        #"[[[[[[1]]]]]]"#, #""just a string""#, #"0"#, #"-0.0"#,
    ]

    @Test("reads what JSONDecoder reads, value for value", arguments: texts)
    func agreesWithFoundation(text: String) throws {
        let ours = try JSONValue.parse(text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
    }

    @Test("rejects malformed text, naming where", arguments: [
        "", "{", "[1,]", #"{"a" 1}"#, #"{"a":}"#, "tru", "01x", #""unterminated"#, #""\x""#, #""\ud83d""#,
        #"{"a":1} extra"#, "\"tab\there\"", "1.", "-", "1e",
    ])
    func rejects(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    @Test("deep nesting is refused, not a crash")
    func deep() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
    }
}

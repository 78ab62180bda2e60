import Foundation
import Testing
@testable import CustodyTOML

/// Valid TOML 1.0 documents: exact values and the line of every value.
@Suite("TOML valid documents")
struct TOMLValidDocumentTests {
    @Test func emptyDocuments() throws {
        #expect(try TOML.parse("") == TOMLTable(entries: [], line: 1))
        #expect(try TOML.parse("\n\n# only a comment\n   \t\n").isEmpty)
        #expect(try TOML.parse("# no newline at the end").isEmpty)
    }

    @Test func commentsAndKeyKinds() {
        let t = parseTOML("""
            # A comment line
            title = "Custody" # a trailing comment
            "quoted key" = 1
            'literal key' = 2
            bare-key_1 = true
            "" = "empty key"
            1234 = "digits are a bare key"
            "ʎǝʞ" = 'unicode'
            "a\\tb" = 3
            """)
        #expect(t.keys == ["title", "quoted key", "literal key", "bare-key_1", "", "1234", "ʎǝʞ", "a\tb"])
        #expect(t["title"] == TOMLValue(.string("Custody"), line: 2))
        #expect(t["quoted key"] == TOMLValue(.integer(1), line: 3))
        #expect(t["literal key"] == TOMLValue(.integer(2), line: 4))
        #expect(t["bare-key_1"] == TOMLValue(.boolean(true), line: 5))
        #expect(t[""] == TOMLValue(.string("empty key"), line: 6))
        #expect(t["1234"]?.stringValue == "digits are a bare key")
        #expect(t["ʎǝʞ"]?.stringValue == "unicode")
        #expect(t["a\tb"] == TOMLValue(.integer(3), line: 9))
        #expect(t.line == 1)
    }

    @Test func dottedKeysCreateAndExtendTables() throws {
        let t = parseTOML("""
            name.first = "Ada"
            name.last = "Lovelace"
            site."google.com" = true
            a . b . c = 1
            a.b.d = 2
            3.14159 = "pi"
            """)
        #expect(t.keys == ["name", "site", "a", "3"])
        let name = try #require(t["name"]?.tableValue)
        #expect(name.keys == ["first", "last"])
        #expect(name.line == 1)
        #expect(t["name"]?.line == 1)
        #expect(name["last"] == TOMLValue(.string("Lovelace"), line: 2))
        #expect(t["site"]?.tableValue?["google.com"] == TOMLValue(.boolean(true), line: 3))
        #expect(t[path: "a.b.c"] == TOMLValue(.integer(1), line: 4))
        #expect(t[path: "a.b.d"] == TOMLValue(.integer(2), line: 5))
        #expect(t[path: "a.b"]?.line == 4)
        #expect(t[path: "3.14159"]?.stringValue == "pi")
    }

    @Test func basicStringsAndEscapes() {
        let t = parseTOML(#"""
            plain = "I'm a string."
            escapes = "tab\there \"quoted\" back\\slash\b\f\r\n"
            unicode4 = "\u00E9 \u03B1"
            unicode8 = "\U0001F600 \U00000041"
            tabInside = "a	b"
            empty = ""
            """#)
        #expect(t["plain"]?.stringValue == "I'm a string.")
        #expect(t["escapes"]?.stringValue == "tab\there \"quoted\" back\\slash\u{08}\u{0C}\r\n")
        #expect(t["unicode4"]?.stringValue == "é α")
        #expect(t["unicode8"]?.stringValue == "😀 A")
        #expect(t["tabInside"]?.stringValue == "a\tb")
        #expect(t["empty"]?.stringValue == "")
    }

    @Test func literalStrings() {
        let t = parseTOML(#"""
            winpath  = 'C:\Users\nodejs\templates'
            winpath2 = '\\ServerX\admin$\system32\'
            quoted   = 'Tom "Dubs" Preston-Werner'
            regex    = '<\i\c*\s*>'
            """#)
        #expect(t["winpath"]?.stringValue == #"C:\Users\nodejs\templates"#)
        #expect(t["winpath2"]?.stringValue == #"\\ServerX\admin$\system32\"#)
        #expect(t["quoted"]?.stringValue == #"Tom "Dubs" Preston-Werner"#)
        #expect(t["regex"]?.stringValue == #"<\i\c*\s*>"#)
    }

    @Test func multiLineBasicStrings() {
        let t = parseTOML("a = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n"
            + "b = \"\"\"\\\n   The quick brown \\\n\n\n   fox jumps over \\  \t\n   the lazy dog.\\\n   \"\"\"\n"
            + "c = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n"
            + "d = \"\"\"Here are fifteen quotation marks: \"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\".\"\"\"\n"
            + "e = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n"
            + "f = \"\"\"two at the end\"\"\"\"\"\n"
            + "g = \"\"\"\r\nwindows\r\nline\"\"\"\n"
            + "h = \"\"\"esc \\u0041 \\t\"\"\"\n"
            + "i = \"\"\"\"\"\"\n"
            + "j = 1\n")
        #expect(t["a"] == TOMLValue(.string("Roses are red\nViolets are blue"), line: 1))
        #expect(t["b"] == TOMLValue(.string("The quick brown fox jumps over the lazy dog."), line: 4))
        #expect(t["c"]?.stringValue == "Here are two quotation marks: \"\". Simple enough.")
        #expect(t["d"]?.stringValue == "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\".")
        #expect(t["e"]?.stringValue == "\"This,\" she said, \"is just a pointless statement.\"")
        #expect(t["f"]?.stringValue == "two at the end\"\"")
        #expect(t["g"]?.stringValue == "windows\nline")
        #expect(t["h"]?.stringValue == "esc A \t")
        #expect(t["i"]?.stringValue == "")
        #expect(t["j"] == TOMLValue(.integer(1), line: 20))
    }

    @Test func multiLineLiteralStrings() {
        let t = parseTOML("regex2 = '''I [dw]on't need \\d{2} apples'''\n"
            + "lines  = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n"
            + "quot15 = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n"
            + "apos15 = \"Here are fifteen apostrophes: '''''''''''''''\"\n"
            + "str = ''''That,' she said, 'is still pointless.''''\n"
            + "back = '''no \\ escapes \\n here'''\n"
            + "next = 2\n")
        #expect(t["regex2"]?.stringValue == "I [dw]on't need \\d{2} apples")
        #expect(t["lines"] == TOMLValue(.string("The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"), line: 2))
        #expect(t["quot15"]?.stringValue == "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"")
        #expect(t["apos15"]?.stringValue == "Here are fifteen apostrophes: '''''''''''''''")
        #expect(t["str"]?.stringValue == "'That,' she said, 'is still pointless.'")
        #expect(t["back"]?.stringValue == "no \\ escapes \\n here")
        #expect(t["next"]?.line == 12)
    }

    @Test func integers() {
        let t = parseTOML("""
            int1 = +99
            int2 = 42
            int3 = 0
            int4 = -17
            int5 = 1_000
            int6 = 5_349_221
            int7 = 53_49_221
            int8 = 1_2_3_4_5
            hex1 = 0xDEADBEEF
            hex2 = 0xdeadbeef
            hex3 = 0xdead_beef
            oct1 = 0o01234567
            oct2 = 0o755
            bin1 = 0b11010110
            max = 9223372036854775807
            min = -9223372036854775808
            hexmax = 0x7FFFFFFFFFFFFFFF
            zeros = 0x0000_0001
            plus0 = +0
            minus0 = -0
            """)
        let expected: [(String, Int64)] = [
            ("int1", 99), ("int2", 42), ("int3", 0), ("int4", -17), ("int5", 1000), ("int6", 5_349_221),
            ("int7", 5_349_221), ("int8", 12345), ("hex1", 0xDEADBEEF), ("hex2", 0xDEADBEEF), ("hex3", 0xDEADBEEF),
            ("oct1", 0o01234567), ("oct2", 0o755), ("bin1", 0b11010110), ("max", .max), ("min", .min),
            ("hexmax", .max), ("zeros", 1), ("plus0", 0), ("minus0", 0),
        ]
        for (i, (key, value)) in expected.enumerated() {
            #expect(t[key] == TOMLValue(.integer(value), line: i + 1), "\(key)")
        }
    }

    @Test func floats() throws {
        let t = parseTOML("""
            flt1 = +1.0
            flt2 = 3.1415
            flt3 = -0.01
            flt4 = 5e+22
            flt5 = 1e06
            flt6 = -2E-2
            flt7 = 6.626e-34
            flt8 = 224_617.445_991_228
            flt9 = 0.0
            flt10 = -0.0
            flt11 = 1e1_0
            flt12 = 0e0
            sf1 = inf
            sf2 = +inf
            sf3 = -inf
            sf4 = nan
            sf5 = +nan
            sf6 = -nan
            big = 1e400
            """)
        let expected: [(String, Double)] = [
            ("flt1", 1.0), ("flt2", 3.1415), ("flt3", -0.01), ("flt4", 5e22), ("flt5", 1e6), ("flt6", -2e-2),
            ("flt7", 6.626e-34), ("flt8", 224_617.445_991_228), ("flt9", 0), ("flt10", -0.0), ("flt11", 1e10),
            ("flt12", 0), ("sf1", .infinity), ("sf2", .infinity), ("sf3", -.infinity),
        ]
        for (i, (key, value)) in expected.enumerated() {
            #expect(t[key] == TOMLValue(.float(value), line: i + 1), "\(key)")
        }
        #expect(try #require(t["flt10"]?.floatValue).sign == .minus)
        for key in ["sf4", "sf5", "sf6"] {
            #expect(try #require(t[key]?.floatValue).isNaN, "\(key)")
            #expect(t[key]?.typeName == "float")
        }
        #expect(t["big"]?.floatValue == .infinity)
    }

    @Test func booleans() {
        let t = parseTOML("bool1 = true\nbool2 = false")
        #expect(t["bool1"] == TOMLValue(.boolean(true), line: 1))
        #expect(t["bool2"] == TOMLValue(.boolean(false), line: 2))
    }

    @Test func dateTimesAreKeptAsWritten() {
        let written = [
            "1979-05-27T07:32:00Z",
            "1979-05-27T00:32:00-07:00",
            "1979-05-27T00:32:00.999999-07:00",
            "1979-05-27 07:32:00Z",
            "1979-05-27t07:32:00z",
            "1979-05-27T07:32:00",
            "1979-05-27T00:32:00.999999",
            "1979-05-27",
            "07:32:00",
            "00:32:00.999999",
            "2000-02-29T23:59:60+14:00",
            "1987-07-05T17:45:00.123456789+00:00",
        ]
        let doc = written.enumerated().map { "d\($0) = \($1)" }.joined(separator: "\n")
        let t = parseTOML(doc)
        for (i, text) in written.enumerated() {
            #expect(t["d\(i)"] == TOMLValue(.dateTime(text), line: i + 1))
            #expect(t["d\(i)"]?.typeName == "date-time")
        }
        let inArray = parseTOML("a = [1979-05-27 07:32:00, 1979-05-27 , 07:32:00]  # spaces\nb = 1979-05-27 # date then comment")
        #expect(inArray["a"]?.arrayValue?.map(\.kind) == [.dateTime("1979-05-27 07:32:00"), .dateTime("1979-05-27"), .dateTime("07:32:00")])
        #expect(inArray["b"]?.dateTimeValue == "1979-05-27")
    }

    @Test func arrays() throws {
        let t = parseTOML("""
            integers = [ 1, 2, 3 ]
            colors = [ "red", "yellow", "green" ]
            nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            string_array = [ "all", 'strings', \"\"\"are the same\"\"\", '''type''' ]
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            contributors = [
              "Foo Bar <foo@example.com>", # a comment
              { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" },
            ]
            empty = []
            empty2 = [ # comment
            ]
            trailing = [1,2,]
            """)
        #expect(t["integers"] == TOMLValue(.array([TOMLValue(.integer(1), line: 1), TOMLValue(.integer(2), line: 1), TOMLValue(.integer(3), line: 1)]), line: 1))
        #expect(t["colors"]?.arrayValue?.compactMap(\.stringValue) == ["red", "yellow", "green"])
        let nested = try #require(t["nested_arrays_of_ints"]?.arrayValue)
        #expect(nested.map { $0.arrayValue?.compactMap(\.integerValue) } == [[1, 2], [3, 4, 5]])
        #expect(t["nested_mixed_array"]?.arrayValue?[1].arrayValue?.compactMap(\.stringValue) == ["a", "b", "c"])
        #expect(t["string_array"]?.arrayValue?.compactMap(\.stringValue) == ["all", "strings", "are the same", "type"])
        #expect(t["numbers"]?.arrayValue?.map(\.typeName) == ["float", "float", "float", "integer", "integer", "integer"])
        let contributors = try #require(t["contributors"]?.arrayValue)
        #expect(t["contributors"]?.line == 7)
        #expect(contributors.count == 2)
        #expect(contributors[0] == TOMLValue(.string("Foo Bar <foo@example.com>"), line: 8))
        #expect(contributors[1].line == 9)
        #expect(contributors[1].tableValue?.keys == ["name", "email", "url"])
        #expect(contributors[1].tableValue?["email"] == TOMLValue(.string("bazqux@example.com"), line: 9))
        #expect(t["empty"] == TOMLValue(.array([]), line: 11))
        #expect(t["empty2"] == TOMLValue(.array([]), line: 12))
        #expect(t["trailing"]?.arrayValue?.compactMap(\.integerValue) == [1, 2])
        #expect(t["trailing"]?.line == 14)
    }

    @Test func multiLineArrayElementLines() throws {
        let t = parseTOML("""
            paths = [
              "/srv/a",

              # comment between elements
              "/srv/b"
              ,
              [
                3 ]
            ]
            after = 1
            """)
        let paths = try #require(t["paths"]?.arrayValue)
        #expect(paths.map(\.line) == [2, 5, 7])
        #expect(paths[2].arrayValue?.first == TOMLValue(.integer(3), line: 8))
        #expect(t["after"]?.line == 10)
    }

    @Test func inlineTables() throws {
        let t = parseTOML("""
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            animal = { type.name = "pug", type.size = "small" }
            empty = {}
            nested = { a = { b = { c = [1, { d = true }] } } }
            multi = { list = [
              1,
              2], after = "x" }
            """)
        let name = try #require(t["name"]?.tableValue)
        #expect(name == TOMLTable(entries: [
            (key: "first", value: TOMLValue(.string("Tom"), line: 1)),
            (key: "last", value: TOMLValue(.string("Preston-Werner"), line: 1)),
        ], line: 1))
        #expect(t["point"]?.tableValue?["y"]?.integerValue == 2)
        #expect(t[path: "animal.type.name"]?.stringValue == "pug")
        #expect(t[path: "animal.type.size"]?.stringValue == "small")
        #expect(t["empty"] == TOMLValue(.table(TOMLTable(entries: [], line: 4)), line: 4))
        let c = try #require(t[path: "nested.a.b.c"]?.arrayValue)
        #expect(c[1].tableValue?["d"]?.booleanValue == true)
        #expect(t[path: "multi.after"] == TOMLValue(.string("x"), line: 8))
        #expect(t[path: "multi"]?.line == 6)
    }

    @Test func tablesAndSubTables() throws {
        let t = parseTOML("""
            top = 0

            [table-1]
            key1 = "some string"
            key2 = 123

            [ dog . "tater.man" ]
            type.name = "pug"

            [x.y.z.w] # implicit parents
            [x] # may be defined after its children
            v = 1

            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]  # sub-tables of dotted-key tables are allowed
            smooth = true

            ['quoted "header"']
            q = 1
            """)
        #expect(t.keys == ["top", "table-1", "dog", "x", "fruit", "quoted \"header\""])
        let table1 = try #require(t["table-1"]?.tableValue)
        #expect(table1.line == 3)
        #expect(t["table-1"]?.line == 3)
        #expect(table1["key2"] == TOMLValue(.integer(123), line: 5))
        let dog = try #require(t["dog"]?.tableValue)
        #expect(dog.line == 7)  // implicit parent: the header that created it
        #expect(dog["tater.man"]?.tableValue?.line == 7)
        #expect(t[path: "dog"]?.tableValue?["tater.man"]?.tableValue?["type"]?.tableValue?["name"] == TOMLValue(.string("pug"), line: 8))
        let x = try #require(t["x"]?.tableValue)
        #expect(x.line == 11)  // defined by [x] after [x.y.z.w]
        #expect(x.keys == ["y", "v"])
        #expect(t[path: "x.y.z.w"]?.tableValue == TOMLTable(entries: [], line: 10))
        #expect(t[path: "x.y"]?.line == 10)
        #expect(t[path: "fruit.apple.color"]?.line == 15)
        #expect(t[path: "fruit.apple.taste.sweet"] == TOMLValue(.boolean(true), line: 16))
        #expect(t[path: "fruit.apple.texture.smooth"] == TOMLValue(.boolean(true), line: 18))
        #expect(t[path: "fruit.apple.texture"]?.line == 17)
        #expect(t[path: "fruit.apple"]?.line == 15)
        #expect(t["quoted \"header\""]?.tableValue?["q"]?.line == 21)
    }

    @Test func arraysOfTables() throws {
        let t = parseTOML("""
            [[courtroom]]
            name = "Room 1"
            [courtroom.recorder]
            model = "X1"

            [[courtroom]]

            [[courtroom]]
            name = "Room 3"
            tags = ["a"]

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let courtroom = try #require(t["courtroom"])
        #expect(courtroom.line == 1)
        #expect(courtroom.typeName == "array")
        let rooms = try #require(courtroom.arrayValue)
        #expect(rooms.map(\.line) == [1, 6, 8])
        #expect(rooms.map { $0.tableValue?.line } == [1, 6, 8])
        #expect(rooms[0].tableValue?["name"] == TOMLValue(.string("Room 1"), line: 2))
        #expect(rooms[0].tableValue?[path: "recorder.model"] == TOMLValue(.string("X1"), line: 4))
        #expect(rooms[0].tableValue?["recorder"]?.line == 3)
        #expect(rooms[1].tableValue == TOMLTable(entries: [], line: 6))
        #expect(rooms[2].tableValue?.keys == ["name", "tags"])
        let fruits = try #require(t["fruits"]?.arrayValue)
        #expect(fruits.count == 2)
        let apple = try #require(fruits[0].tableValue)
        #expect(apple.keys == ["name", "physical", "varieties"])
        #expect(apple["varieties"]?.arrayValue?.compactMap { $0.tableValue?["name"]?.stringValue } == ["red delicious", "granny smith"])
        #expect(apple["varieties"]?.arrayValue?.map(\.line) == [16, 18])
        #expect(fruits[1].tableValue?["varieties"]?.arrayValue?.first?.tableValue?["name"] == TOMLValue(.string("plantain"), line: 23))
    }

    @Test func arrayOfTablesSubTablesGoToTheLastElement() throws {
        let t = parseTOML("""
            [[a]]
            [a.b]
            x = 1
            [[a]]
            [a.b]
            x = 2
            """)
        let elements = try #require(t["a"]?.arrayValue)
        #expect(elements.map { $0.tableValue?[path: "b.x"]?.integerValue } == [1, 2])
    }

    @Test func implicitTableExtendedByDottedKeysInParentSection() throws {
        // `a.b` is only implicitly created by [a.b.c], so `b.d` under [a] may extend it.
        let t = parseTOML("""
            [a.b.c]
            z = 1
            [a]
            b.d = 2
            """)
        #expect(t[path: "a.b.d"] == TOMLValue(.integer(2), line: 4))
        #expect(t[path: "a.b.c.z"]?.integerValue == 1)
    }

    @Test func lineEndingsAndByteOrderMark() {
        let t = parseTOML("\u{FEFF}a = 1\r\n# c\r\n[t]\r\nb = \"x\"\r\n")
        #expect(t["a"] == TOMLValue(.integer(1), line: 1))
        #expect(t[path: "t.b"] == TOMLValue(.string("x"), line: 4))
        #expect(t["t"]?.tableValue?.line == 3)
    }

    @Test func documentOrderIsKept() {
        let t = parseTOML("z = 1\ny = 2\n[m]\n[b]\n[a.q]\nx.k = 0\n")
        #expect(t.keys == ["z", "y", "m", "b", "a"])
        #expect(t[path: "a.q.x.k"]?.integerValue == 0)
    }

    @Test func parsingBytes() throws {
        let t = try TOML.parse(utf8: Array("k = \"é\"\n".utf8))
        #expect(t["k"]?.stringValue == "é")
        let data = Data("[s]\nv = 1\n".utf8)
        #expect(try TOML.parse(utf8: data)[path: "s.v"] == TOMLValue(.integer(1), line: 2))
    }

    @Test func valueAccessorsAndTypeNames() {
        #expect(TOMLValue(.string("s"), line: 1).typeName == "string")
        #expect(TOMLValue(.integer(1), line: 1).typeName == "integer")
        #expect(TOMLValue(.float(1), line: 1).typeName == "float")
        #expect(TOMLValue(.boolean(true), line: 1).typeName == "boolean")
        #expect(TOMLValue(.dateTime("07:00:00"), line: 1).typeName == "date-time")
        #expect(TOMLValue(.array([]), line: 1).typeName == "array")
        #expect(TOMLValue(.table(TOMLTable()), line: 1).typeName == "table")
        #expect(TOMLValue(.string("s"), line: 1).integerValue == nil)
        #expect(TOMLValue(.integer(7), line: 1).integerValue == 7)
    }

    @Test func tableEqualityAndEditing() {
        var t = TOMLTable(entries: [(key: "a", value: TOMLValue(.integer(1), line: 1))], line: 1)
        #expect(t == TOMLTable(entries: [(key: "a", value: TOMLValue(.integer(1), line: 1))], line: 1))
        #expect(t != TOMLTable(entries: [(key: "a", value: TOMLValue(.integer(1), line: 2))], line: 1))
        #expect(t != TOMLTable(entries: [(key: "b", value: TOMLValue(.integer(1), line: 1))], line: 1))
        #expect(t != TOMLTable(entries: [(key: "a", value: TOMLValue(.integer(1), line: 1))], line: 3))
        t.entries.append((key: "b", value: TOMLValue(.boolean(false), line: 2)))
        #expect(t["b"]?.booleanValue == false)
        #expect(t.keys == ["a", "b"])
    }
}

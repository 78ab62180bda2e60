import Foundation
import Testing
@testable import CustodyTOML

/// One invalid document and the exact error it must produce.
struct TOMLErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var line: Int
    var column: Int
    var message: String

    init(_ name: String, _ text: String, _ line: Int, _ column: Int, _ message: String) {
        self.name = name
        self.text = text
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { name }
}

/// Every error path: line, column and message.
@Suite("TOML errors")
struct TOMLErrorTests {
    static let structure: [TOMLErrorCase] = [
        .init("duplicate key", "a = 1\na = 2", 2, 1, "duplicate key 'a' (already defined on line 1)"),
        .init("duplicate quoted key", "a = 1\n\"a\" = 2", 2, 1, "duplicate key 'a' (already defined on line 1)"),
        .init("duplicate dotted key", "x.y = 1\nx . y = 2", 2, 5, "duplicate key 'x.y' (already defined on line 1)"),
        .init("duplicate key in table", "[t]\na = 1\n\n a = 2", 4, 2, "duplicate key 't.a' (already defined on line 2)"),
        .init("key redefines dotted table", "a.b = 1\na = 2", 2, 1, "duplicate key 'a' (already defined on line 1)"),
        .init("duplicate key in inline table", "a = {b = 1, b = 2}", 1, 13, "duplicate key 'a.b' (already defined on line 1)"),
        .init("table defined twice", "[a]\nx = 1\n[a]", 3, 2,
              "cannot define table 'a': it is already a table defined by its [a] header on line 1"),
        .init("sub-table defined twice", "[a.b]\n[a]\n[a.b]", 3, 4,
              "cannot define table 'a.b': it is already a table defined by its [a.b] header on line 1"),
        .init("table redefines value", "a = 1\n[a]", 2, 2, "cannot define table 'a': it is already an integer defined on line 1"),
        .init("table redefines dotted table", "a.b = 1\n[a]", 2, 2,
              "cannot define table 'a': it is already a table defined by dotted keys on line 1"),
        .init("table redefines nested dotted table", "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]", 4, 14,
              "cannot define table 'fruit.apple.taste': it is already a table defined by dotted keys on line 3"),
        .init("table redefines inline table", "a = {x = 1}\n[a]", 2, 2,
              "cannot define table 'a': it is already an inline table defined on line 1"),
        .init("table inside inline table", "a = {x = 1}\n[a.b]", 2, 2,
              "cannot define table 'a.b': 'a' is an inline table defined on line 1"),
        .init("table inside value", "a = \"s\"\n[a.b.c]", 2, 2, "cannot define table 'a.b.c': 'a' is a string defined on line 1"),
        .init("table inside static array", "a = [{x = 1}]\n[a.b]", 2, 2, "cannot define table 'a.b': 'a' is an array defined on line 1"),
        .init("table redefines array of tables", "[[a]]\n[a]", 2, 2,
              "cannot define table 'a': it is already an array of tables defined on line 1"),
        .init("array of tables redefines table", "[a]\n[[a]]", 2, 3,
              "cannot define array of tables 'a': it is already a table defined by its [a] header on line 1"),
        .init("array of tables appends to static array", "a = [1]\n[[a]]", 2, 3,
              "cannot define array of tables 'a': it is already an array defined on line 1"),
        .init("array of tables redefines value", "a = 1\n[[a]]", 2, 3,
              "cannot define array of tables 'a': it is already an integer defined on line 1"),
        .init("dotted key through value", "a = 1\na.b = 2", 2, 1, "cannot add key 'a.b': 'a' is an integer defined on line 1"),
        .init("dotted key through value in table", "[t]\na = true\na.b.c = 2", 3, 1,
              "cannot add key 't.a.b.c': 't.a' is a boolean defined on line 2"),
        .init("dotted key into inline table", "a = {x = 1}\na.y = 2", 2, 1,
              "cannot add key 'a.y': 'a' is an inline table defined on line 1"),
        .init("dotted key into header table", "[a.b]\nx = 1\n[a]\nb.y = 2", 4, 1,
              "cannot add key 'a.b.y': 'a.b' is a table defined by its [a.b] header on line 1"),
        .init("dotted key into array of tables", "[[a.b]]\n[a]\nb.y = 2", 3, 1,
              "cannot add key 'a.b.y': 'a.b' is an array of tables defined on line 1"),
        .init("dotted key into nested inline", "a = {b = {c = 1}, b.d = 2}", 1, 19,
              "cannot add key 'a.b.d': 'a.b' is an inline table defined on line 1"),
        .init("quoted key path in message", "\"x y\" = 1\n\"x y\".z = 1", 2, 1,
              "cannot add key '\"x y\".z': '\"x y\"' is an integer defined on line 1"),
    ]

    static let syntax: [TOMLErrorCase] = [
        // Keys and `=`
        .init("missing equals", "a 1", 1, 3, "expected '=' after key 'a', found '1'"),
        .init("missing equals at end", "a", 1, 2, "expected '=' after key 'a', found end of file"),
        .init("missing equals at newline", "[t]\nname\n", 2, 5, "expected '=' after key 'name', found a newline"),
        .init("space in bare key", "a b = 1", 1, 3, "expected '=' after key 'a', found 'b'"),
        .init("missing key", "= 1", 1, 1, "expected a key, found '='"),
        .init("bad key character", "a = 1\n  !x = 1", 2, 3, "expected a key, found '!'"),
        .init("non-ASCII bare key", "é = 1", 1, 1, "expected a key, found 'é'"),
        .init("empty dotted segment", "a..b = 1", 1, 3, "expected a key, found '.'"),
        .init("trailing dot", "a. = 1", 1, 4, "expected a key, found '='"),
        .init("multi-line key", "\"\"\"k\"\"\" = 1", 1, 1, "a multi-line string cannot be used as a key"),
        .init("key and value on two lines", "a =\n1", 1, 4, "expected a value, found a newline"),
        // Values
        .init("missing value", "a = ", 1, 5, "expected a value, found end of file"),
        .init("missing value before comment", "a = # nothing", 1, 5, "expected a value, found '#'"),
        .init("unquoted string", "a = hello", 1, 5, "invalid value 'hello': strings must be quoted"),
        .init("capitalised boolean", "a = True", 1, 5, "invalid value 'True': booleans are written in lower case (true, false)"),
        .init("boolean with suffix", "a = truely", 1, 5, "invalid value 'truely': strings must be quoted"),
        .init("unexpected character", "a = @", 1, 5, "expected a value, found '@'"),
        .init("garbage after value", "a = 1 2", 1, 7, "expected a newline or comment after the value, found '2'"),
        .init("garbage after string", "a = \"x\"y", 1, 8, "expected a newline or comment after the value, found 'y'"),
        .init("two values", "a = 1, b = 2", 1, 6, "expected a newline or comment after the value, found ','"),
        .init("garbage after header", "[a] b = 1", 1, 5, "expected a newline or comment after the table header, found 'b'"),
        .init("garbage after multi-line string", "a = '''x''''''", 1, 14, "expected a newline or comment after the value, found '''"),
        // Headers
        .init("unterminated header", "[a", 1, 3, "expected ']' to close the table header, found end of file"),
        .init("empty header", "[]", 1, 2, "expected a table name, found ']'"),
        .init("space in header", "[a b]", 1, 4, "expected ']' to close the table header, found 'b'"),
        .init("header trailing dot", "[a.]", 1, 4, "expected a table name, found ']'"),
        .init("unterminated array header", "[[a]\n", 1, 5, "expected ']]' to close the array of tables header, found a newline"),
        .init("split array header", "[[a] ]", 1, 5, "expected ']]' to close the array of tables header, found ' '"),
        .init("empty array header", "[[]]", 1, 3, "expected an array of tables name, found ']'"),
        // Strings
        .init("unterminated basic string", "a = \"abc", 1, 5, "unterminated string (missing closing '\"')"),
        .init("basic string across lines", "a = \"abc\nb = 1", 1, 5,
              "unterminated string (a \"...\" string must end on its line; use \"\"\" for multi-line strings)"),
        .init("unterminated literal string", "x = 1\na = 'abc", 2, 5, "unterminated string (missing closing \"'\")"),
        .init("literal string across lines", "a = 'abc\r\n'", 1, 5,
              "unterminated string (a '...' string must end on its line; use ''' for multi-line strings)"),
        .init("unterminated multi-line basic", "a = \"\"\"abc\n\ndef\"\"", 1, 5, "unterminated multi-line string (missing closing '\"\"\"')"),
        .init("unterminated multi-line literal", "\n a = '''abc\n", 2, 6, "unterminated multi-line string (missing closing \"'''\")"),
        .init("unterminated key string", "\"a = 1", 1, 1, "unterminated string (missing closing '\"')"),
        .init("unterminated key string on a line", "\"a = 1\nb = 2", 1, 1, "unterminated string (a \"...\" string must end on its line; use \"\"\" for multi-line strings)"),
        .init("escape at end of file", "a = \"\\", 1, 5, "unterminated string (missing closing '\"')"),
        .init("invalid escape", "a = \"x\\qy\"", 1, 7, "invalid escape sequence '\\q'"),
        .init("hex escape is not TOML 1.0", "a = \"\\x41\"", 1, 6, "invalid escape sequence '\\x'"),
        .init("escape of space", "a = \"\\ \"", 1, 6, "invalid escape sequence '\\' followed by ' '"),
        .init("line-ending backslash in basic string", "a = \"x\\\ny\"", 1, 7, "invalid escape sequence '\\' followed by a newline"),
        .init("backslash-space not at end of line", "a = \"\"\"x\\  y\"\"\"", 1, 9, "invalid escape sequence '\\' followed by ' '"),
        .init("short unicode escape", "a = \"\\u12\"", 1, 6, "invalid unicode escape: '\\u' must be followed by 4 hexadecimal digits"),
        .init("short long unicode escape", "a = \"\\U0001F60\"", 1, 6, "invalid unicode escape: '\\U' must be followed by 8 hexadecimal digits"),
        .init("surrogate escape", "a = \"ok \\uD800\"", 1, 9, "invalid unicode escape: U+D800 is not a Unicode scalar value"),
        .init("escape beyond Unicode", "a = \"\\U00110000\"", 1, 6, "invalid unicode escape: U+110000 is not a Unicode scalar value"),
        .init("invalid escape in multi-line string", "a = \"\"\"\nok\n  \\a\"\"\"", 3, 3, "invalid escape sequence '\\a'"),
        // Control characters
        .init("control character in comment", "a = 1 # bell \u{07}", 1, 14, "control character U+0007 is not allowed in a comment"),
        .init("DEL in comment", "# \u{7F}", 1, 3, "control character U+007F is not allowed in a comment"),
        .init("NUL in comment", "#\u{00}", 1, 2, "control character U+0000 is not allowed in a comment"),
        .init("control character in string", "a = \"x\u{01}\"", 1, 7, "control character U+0001 is not allowed in a string; use an escape sequence"),
        .init("control character in literal string", "a = 'x\u{1B}'", 1, 7, "control character U+001B is not allowed in a string; use an escape sequence"),
        .init("control character in multi-line string", "a = '''\nx\u{0C}'''", 2, 2, "control character U+000C is not allowed in a string; use an escape sequence"),
        .init("bare carriage return", "a = 1\r b = 2", 1, 6, "a carriage return (U+000D) must be followed by a newline"),
        .init("bare carriage return in string", "a = \"x\ry\"", 1, 7, "a carriage return (U+000D) must be followed by a newline"),
        .init("bare carriage return in multi-line string", "a = \"\"\"x\ry\"\"\"", 1, 9, "a carriage return (U+000D) must be followed by a newline"),
        .init("bare carriage return in comment", "# x\ry", 1, 4, "control character U+000D is not allowed in a comment"),
        .init("control character as value", "a = \u{01}", 1, 5, "expected a value, found control character U+0001"),
        .init("control character at statement start", "\u{01}", 1, 1, "expected a key, found control character U+0001"),
        // Numbers
        .init("leading zero", "a = 012", 1, 5, "invalid number '012': leading zeros are not allowed"),
        .init("negative leading zero", "a = -01", 1, 6, "invalid number '-01': leading zeros are not allowed"),
        .init("leading zero float", "a = 03.14", 1, 5, "invalid number '03.14': leading zeros are not allowed"),
        .init("leading zero underscore", "a = 0_1", 1, 5, "invalid number '0_1': leading zeros are not allowed"),
        .init("double underscore", "a = 1__2", 1, 6, "invalid number '1__2': an underscore must be between two digits"),
        .init("trailing underscore", "a = 1_", 1, 6, "invalid number '1_': an underscore must be between two digits"),
        .init("leading underscore", "a = _1", 1, 5, "invalid number '_1': expected a digit, found '_'"),
        .init("underscore before dot", "a = 1_.5", 1, 6, "invalid number '1_.5': an underscore must be between two digits"),
        .init("underscore after dot", "a = 1._5", 1, 7, "invalid number '1._5': an underscore must be between two digits"),
        .init("underscore in exponent", "a = 1e_5", 1, 7, "invalid number '1e_5': an underscore must be between two digits"),
        .init("trailing dot", "a = 1.", 1, 7, "invalid number '1.': expected a digit after '.', found end of number"),
        .init("leading dot", "a = .5", 1, 5, "invalid number '.5': expected a digit, found '.'"),
        .init("dot before exponent", "a = 1.e5", 1, 7, "invalid number '1.e5': expected a digit after '.', found 'e'"),
        .init("empty exponent", "a = 1e", 1, 7, "invalid number '1e': expected a digit in the exponent, found end of number"),
        .init("two dots", "a = 1.2.3", 1, 8, "invalid number '1.2.3': unexpected '.'"),
        .init("letters after number", "a = 12abc", 1, 7, "invalid number '12abc': unexpected 'a'"),
        .init("lone sign", "a = +", 1, 6, "invalid number '+': expected a digit, found end of number"),
        .init("double sign", "a = +-1", 1, 6, "invalid number '+-1': expected a digit, found '-'"),
        .init("signed hex", "a = +0x10", 1, 5, "invalid number '+0x10': hexadecimal, octal and binary integers cannot have a sign"),
        .init("empty hex", "a = 0x", 1, 7, "invalid number '0x': expected a hexadecimal digit, found end of number"),
        .init("bad hex digit", "a = 0xG1", 1, 7, "invalid number '0xG1': expected a hexadecimal digit, found 'G'"),
        .init("bad binary digit", "a = 0b102", 1, 9, "invalid number '0b102': unexpected '2'"),
        .init("bad octal digit", "a = 0o8", 1, 7, "invalid number '0o8': expected an octal digit, found '8'"),
        .init("capital prefix", "a = 0X1F", 1, 6, "invalid number '0X1F': unexpected 'X'"),
        .init("hex underscore after prefix", "a = 0x_1", 1, 7, "invalid number '0x_1': an underscore must be between two digits"),
        .init("integer too large", "a = 9223372036854775808", 1, 5, "integer '9223372036854775808' does not fit in 64 bits"),
        .init("integer too small", "a = -9223372036854775809", 1, 5, "integer '-9223372036854775809' does not fit in 64 bits"),
        .init("hex too large", "a = 0x8000000000000000", 1, 5, "integer '0x8000000000000000' does not fit in 64 bits"),
        .init("capital infinity", "a = Inf", 1, 5, "invalid value 'Inf': strings must be quoted"),
        .init("signed infinity word", "a = +infinity", 1, 6, "invalid number '+infinity': expected a digit, found 'i'"),
        // Date-times
        .init("month 13", "d = 1979-13-01", 1, 10, "invalid date-time '1979-13-01': the month must be between 01 and 12"),
        .init("month 0", "d = 1979-00-01", 1, 10, "invalid date-time '1979-00-01': the month must be between 01 and 12"),
        .init("day 32", "d = 1979-01-32", 1, 13, "invalid date-time '1979-01-32': the day must be between 01 and 31"),
        .init("February 30", "d = 1979-02-29", 1, 13, "invalid date-time '1979-02-29': day 29 does not exist in month 2 of 1979"),
        .init("April 31", "d = 2024-04-31T00:00:00Z", 1, 13, "invalid date-time '2024-04-31T00:00:00Z': day 31 does not exist in month 4 of 2024"),
        .init("hour 24", "d = 1979-05-27T24:00:00", 1, 16, "invalid date-time '1979-05-27T24:00:00': the hour must be between 00 and 23"),
        .init("minute 60", "d = 07:60:00", 1, 8, "invalid date-time '07:60:00': the minute must be between 00 and 59"),
        .init("second 61", "d = 07:00:61", 1, 11, "invalid date-time '07:00:61': the second must be between 00 and 60"),
        .init("missing seconds", "d = 07:32", 1, 10, "invalid date-time '07:32': expected ':' after the minute, found end of value"),
        .init("one-digit month", "d = 1979-5-27", 1, 11, "invalid date-time '1979-5-27': expected 2 digits for the month, found '-'"),
        .init("bad separator", "d = 1979-05-27X07:32:00", 1, 15, "invalid date-time '1979-05-27X07:32:00': expected 'T' or a space between the date and the time, found 'X'"),
        .init("empty fraction", "d = 1979-05-27T07:32:00.Z", 1, 25, "invalid date-time '1979-05-27T07:32:00.Z': expected digits after '.', found 'Z'"),
        .init("short offset", "d = 1979-05-27T07:32:00+7:00", 1, 26, "invalid date-time '1979-05-27T07:32:00+7:00': expected 2 digits for the offset hour, found ':'"),
        .init("offset hour 24", "d = 1979-05-27T07:32:00+24:00", 1, 25, "invalid date-time '1979-05-27T07:32:00+24:00': the offset hour must be between 00 and 23"),
        .init("offset without colon", "d = 1979-05-27T07:32:00+0700", 1, 27, "invalid date-time '1979-05-27T07:32:00+0700': expected ':' after the offset hour, found '0'"),
        .init("offset on local time", "d = 07:32:00Z", 1, 13, "invalid date-time '07:32:00Z': unexpected 'Z' in local time"),
        .init("junk after date-time", "d = 1979-05-27T07:32:00Zx", 1, 25, "invalid date-time '1979-05-27T07:32:00Zx': unexpected 'x' in date-time"),
        .init("date then space then junk", "d = 1979-05-27 7:32:00", 1, 17, "invalid date-time '1979-05-27 7:32:00': expected 2 digits for the hour, found ':'"),
        .init("date followed by word", "d = 1979-05-27 x", 1, 16, "expected a newline or comment after the value, found 'x'"),
        // Arrays
        .init("missing comma", "a = [1 2]", 1, 8, "expected ',' or ']' after an array element, found '2'"),
        .init("double comma", "a = [1,,2]", 1, 8, "expected a value, found ','"),
        .init("leading comma", "a = [,]", 1, 6, "expected a value, found ','"),
        .init("unterminated array", "a = [1,\n2\n", 1, 5, "unterminated array (missing ']')"),
        .init("unterminated empty array", "a = [", 1, 5, "unterminated array (missing ']')"),
        .init("array closed by brace", "a = [1}", 1, 7, "expected ',' or ']' after an array element, found '}'"),
        // Inline tables
        .init("trailing comma in inline table", "a = {x = 1,}", 1, 12, "a trailing comma is not allowed in an inline table"),
        .init("newline in inline table", "a = {x = 1\n}", 1, 11, "newlines are not allowed in an inline table outside its values"),
        .init("newline at inline table start", "a = {\nx = 1}", 1, 6, "newlines are not allowed in an inline table outside its values"),
        .init("unterminated inline table", "a = {x = 1", 1, 5, "unterminated inline table (missing '}')"),
        .init("missing comma in inline table", "a = {x = 1 y = 2}", 1, 12, "expected ',' or '}' after a value in an inline table, found 'y'"),
        .init("missing value in inline table", "a = {x = }", 1, 10, "expected a value, found '}'"),
        .init("comment in inline table", "a = {x = 1 # c\n}", 1, 12, "expected ',' or '}' after a value in an inline table, found '#'"),
        // Positions
        .init("columns count Unicode scalars", "k = \"é😀\" x", 1, 10, "expected a newline or comment after the value, found 'x'"),
        .init("tab is one column", "\tk = 1 x", 1, 8, "expected a newline or comment after the value, found 'x'"),
        .init("CRLF lines", "a = 1\r\nb = 2\r\nc = @\r\n", 3, 5, "expected a value, found '@'"),
        .init("error after multi-line string", "a = '''\n\n\n''' b", 4, 5, "expected a newline or comment after the value, found 'b'"),
        .init("error after BOM", "\u{FEFF}a = @", 1, 6, "expected a value, found '@'"),
    ]

    @Test(arguments: structure)
    func structureErrors(_ c: TOMLErrorCase) {
        check(c)
    }

    @Test(arguments: syntax)
    func syntaxErrors(_ c: TOMLErrorCase) {
        check(c)
    }

    private func check(_ c: TOMLErrorCase) {
        guard let e = tomlError(c.text) else { return }
        #expect(e.message == c.message)
        #expect(e.line == c.line, "line")
        #expect(e.column == c.column, "column")
    }

    @Test func description() {
        let e = TOMLError(line: 7, column: 12, message: "duplicate key 'a'")
        #expect(e.description == "line 7, column 12: duplicate key 'a'")
        #expect("\(e)" == "line 7, column 12: duplicate key 'a'")
        #expect(e.described(file: "/etc/custody/custodyd.toml") == "/etc/custody/custodyd.toml: line 7, column 12: duplicate key 'a'")
    }

    @Test func invalidUTF8() throws {
        var bytes = Array("a = 1\nb = \"x".utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array("\"\n".utf8))
        #expect(throws: TOMLError(line: 2, column: 7, message: "invalid UTF-8 byte 0xFF")) {
            try TOML.parse(utf8: bytes)
        }
        // Overlong encoding, surrogate, truncated sequence.
        #expect(throws: TOMLError(line: 1, column: 7, message: "invalid UTF-8 byte 0xC0")) {
            try TOML.parse(utf8: Array("a = \"é".utf8) + [0xC0, 0x80])
        }
        #expect(throws: TOMLError(line: 1, column: 1, message: "invalid UTF-8 byte 0xED")) {
            try TOML.parse(utf8: [0xED, 0xA0, 0x80])
        }
        #expect(throws: TOMLError(line: 1, column: 2, message: "invalid UTF-8 byte 0xE2")) {
            try TOML.parse(utf8: [0x23, 0xE2, 0x82])
        }
        // A String built from bad bytes has U+FFFD instead, which is an ordinary character.
        let repaired = String(decoding: [0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22], as: UTF8.self)
        #expect(try TOML.parse(repaired)["a"]?.stringValue == "\u{FFFD}")
    }

    @Test func nestingLimit() {
        let depth = TOML.maximumNestingDepth
        // `a = ` then arrays: the array at depth d opens at column 4 + d.
        let arrays = "a = " + String(repeating: "[", count: depth + 10)
        let e = tomlError(arrays)
        #expect(e == TOMLError(line: 1, column: 5 + depth, message: "arrays and tables nest deeper than \(depth) levels"))
        let ok = "a = " + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        #expect(parseTOML(ok)["a"] != nil)
        let tables = "a = " + String(repeating: "{b = ", count: depth + 10)
        #expect(tomlError(tables)?.message == "key nests deeper than \(depth) levels")
        let header = "[" + Array(repeating: "a", count: depth + 1).joined(separator: ".") + "]"
        #expect(tomlError(header) == TOMLError(line: 1, column: 2, message: "dotted key has more than \(depth) parts"))
        let dotted = Array(repeating: "a", count: depth + 1).joined(separator: ".") + " = 1"
        #expect(tomlError(dotted) == TOMLError(line: 1, column: 1, message: "dotted key has more than \(depth) parts"))
        let combined = "[" + Array(repeating: "a", count: 100).joined(separator: ".") + "]\n"
            + Array(repeating: "b", count: 100).joined(separator: ".") + " = 1"
        #expect(tomlError(combined) == TOMLError(line: 2, column: 1, message: "key nests deeper than \(depth) levels"))
    }
}

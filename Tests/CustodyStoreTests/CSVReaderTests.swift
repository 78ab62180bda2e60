import CustodyModel
import Testing
@testable import CustodyStore

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("a header row, quoted fields with commas, quotes and line breaks, and the line each row starts on")
    func quoting() {
        let text = "badge,name,unit\r\nB-1,\"Петровић, Ана\",North\r\nB-2,\"Marko \"\"Max\"\" J.\",\"South\nannex\"\r\nB-3,Иван,East\r\n"
        let (table, errors) = CSVReader.parse(text)
        #expect(errors.isEmpty)
        #expect(table.header == ["badge", "name", "unit"])
        #expect(table.rows.map(\.line) == [2, 3, 5])
        #expect(table.rows[0].fields == ["badge": "B-1", "name": "Петровић, Ана", "unit": "North"])
        #expect(table.rows[1].fields["name"] == "Marko \"Max\" J." && table.rows[1].fields["unit"] == "South\nannex")
        #expect(table.rows[2].fields["name"] == "Иван")
    }

    @Test("a byte-order mark, blank lines, spaces around fields, no final newline")
    func tolerant() {
        let (table, errors) = CSVReader.parse("\u{FEFF}Badge , Name\n\n B-1 ,  Ana  \n\nB-2,Bo")
        #expect(errors.isEmpty)
        #expect(table.header == ["Badge", "Name"])
        #expect(table.rows.map(\.fields) == [["badge": "B-1", "name": "Ana"], ["badge": "B-2", "name": "Bo"]])
        #expect(table.rows.map(\.line) == [3, 5])
    }

    @Test("a semicolon-separated spreadsheet export")
    func semicolons() {
        let (table, errors) = CSVReader.parse("badge;name;unit\nB-1;Ana, Jr.;North\n")
        #expect(errors.isEmpty && table.rows.first?.fields["name"] == "Ana, Jr.")
    }

    @Test("every malformed row is reported with its line")
    func errors() {
        let (table, errors) = CSVReader.parse("a,b\n1,2,3\n4\n5,\"6\" x\n7,\"8\n")
        #expect(table.rows.isEmpty)
        #expect(errors.map(\.line) == [2, 3, 4, 5])
        #expect(errors[0].message == "3 fields, but the header has 2 columns")
        #expect(errors[2].message == "text after the closing quote of a field")
        #expect(errors[3].message == "a quoted field is never closed")
    }

    @Test("duplicate and empty column names, and an empty file")
    func header() {
        #expect(CSVReader.parse("a,A\n1,2\n").errors.first?.message == "column A appears twice (columns 1 and 2)")
        #expect(CSVReader.parse("a,,b\n").errors.first?.message == "the header has an empty column name")
        #expect(CSVReader.parse("").errors.first?.message == "the file is empty: a header row is needed")
    }
}

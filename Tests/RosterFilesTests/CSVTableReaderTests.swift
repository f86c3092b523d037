import RosterCore
import Testing
@testable import RosterFiles

@Suite("CSV files are read record by record, as cells")
struct CSVTableReaderTests {
    /// The header and rows of `bytes`, given `chunk` bytes at a time.
    func read(_ bytes: [UInt8], charset: String? = nil, chunk: Int = .max) throws -> (reader: CSVTableReader, rows: [TableRow]) {
        var reader = try CSVTableReader(charset: charset)
        var rows: [TableRow] = []
        for start in stride(from: 0, to: bytes.count, by: min(chunk, max(bytes.count, 1))) {
            rows += try reader.read(bytes[start..<min(start + chunk, bytes.count)])
        }
        rows += try reader.finish()
        return (reader, rows)
    }

    func read(_ text: String, chunk: Int = .max) throws -> (reader: CSVTableReader, rows: [TableRow]) {
        try read(Array(text.utf8), chunk: chunk)
    }

    func cells(_ row: TableRow) throws -> [InputValue] { try row.cells.get() }

    @Test("comma, semicolon and tab are told apart by the header, quotes aside")
    func separators() throws {
        for (separator, text) in [(",", "email,\"a;b;c\",x\nz@x.org,1,2\n"), (";", "email;name;x\nz@x.org;1,5;2\n"), ("\t", "email\tname\tx\nz@x.org\t1;2\t2\n")] {
            let (reader, rows) = try read(text)
            #expect(String(reader.separator) == separator)
            #expect(reader.header?.count == 3)
            #expect(try cells(rows[0])[0] == .string("z@x.org"))
        }
        #expect(try cells(read("email;name;x\nz@x.org;1,5;2\n").rows[0])[1] == .string("1,5"))
    }

    @Test func byteOrderMarkSemicolonsAndCRLF() throws {
        let (reader, rows) = try read("\u{FEFF}email;firstName;lastName;age\r\nada@example.com;Ada;L;12,5\r\n")
        #expect(reader.header == ["email", "firstName", "lastName", "age"])
        #expect(try cells(rows[0]) == [.string("ada@example.com"), .string("Ada"), .string("L"), .string("12,5")])
        #expect(reader.encoding == "utf-8")
    }

    @Test func brokenQuotingRejectsOneRowAndKeepsTheRest() throws {
        let text = #"""
            email,firstName,lastName
            a@example.com,"Ann,A
            b@example.com,Bob,B
            c@example.com,Ca"rl,C
            d@example.com,"Dan ""The Man""",D
            """#
        let rows = try read(text).rows
        #expect(rows.map(\.number) == [1, 2, 3, 4])
        #expect(rows.map(\.sheetRow) == [2, 3, 4, 5])
        #expect(throws: ValidationFailure.self) { try rows[0].cells.get() }
        #expect(try cells(rows[1])[1] == .string("Bob"))
        #expect(throws: ValidationFailure.self) { try rows[2].cells.get() }
        #expect(try cells(rows[3])[1] == .string("Dan \"The Man\""))
    }

    @Test("a quoted value may span lines; the spreadsheet still shows one row a record")
    func quotedValuesMaySpanLines() throws {
        let rows = try read("email,firstName,lastName,bio\na@example.com,Ann,A,\"line one\nline two\"\nb@example.com,Bob,B,\n").rows
        #expect(rows.count == 2)
        #expect(try cells(rows[0])[3] == .string("line one\nline two"))
        #expect(rows.map(\.sheetRow) == [2, 3])
    }

    @Test func emptyCellsAreNull() throws {
        #expect(try cells(read("email,firstName,lastName,company\na@example.com,Ann,A,  \n").rows[0])[3] == .null)
    }

    @Test func tooManyValuesIsARowError() throws {
        let rows = try read("email,firstName\na@example.com,Ann,extra\nb@example.com,Bob,,\n").rows
        #expect(throws: ValidationFailure.self) { try rows[0].cells.get() }
        #expect(try cells(rows[1]) == [.string("b@example.com"), .string("Bob")], "empty extra cells are not values")
    }

    @Test func anEmptyFileIsRefusedAsAWhole() {
        #expect(throws: ImportFileError.self) { try read("") }
        #expect(throws: ImportFileError.self) { try read("\n \n") }
    }

    @Test("a Windows-1252 file reads as its accents, whole")
    func windows1252() throws {
        let bytes = Array("email;Pr".utf8) + [0xE9] + Array("nom\r\na@x.fr;Andr".utf8) + [0xE9, 0x0D, 0x0A]
        let (reader, rows) = try read(bytes)
        #expect(reader.header == ["email", "Prénom"])
        #expect(try cells(rows[0])[1] == .string("André"))
        #expect(reader.encoding == "windows-1252")
    }

    @Test("bytes cut anywhere read the same: mid-character, mid-quote, between \\r and \\n")
    func chunksReadAsTheWholeFile() throws {
        let text = "\u{FEFF}email;firstName;bio\r\nzoë@example.com;Zoë;\"one\r\ntwo\"\r\nb@example.com;\"Bo;b\";\r\nc@example.com;Ca\"rl;x\r\n"
        let whole = try read(text).rows
        #expect(whole.count == 3)
        for chunk in [1, 2, 3, 7] {
            let parts = try read(text, chunk: chunk).rows
            #expect(parts.map(\.number) == whole.map(\.number) && parts.map(\.sheetRow) == whole.map(\.sheetRow), "chunk \(chunk)")
            #expect(try cells(parts[0])[2] == .string("one\ntwo"), "chunk \(chunk)")
            #expect(try cells(parts[1])[1] == .string("Bo;b"), "chunk \(chunk)")
            #expect(throws: ValidationFailure.self) { try parts[2].cells.get() }
        }
        #expect(try cells(whole[0])[0] == .string("zoë@example.com"))
    }
}

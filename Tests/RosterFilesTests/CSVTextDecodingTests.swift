import RosterFiles
import Testing

@Suite("CSV files in the charset their sender names")
struct CSVTextDecodingTests {
    static let header = Array("email,firstName,lastName\n".utf8)

    @Test func utf8IsTheDefaultAndItsByteOrderMarkIsDropped() throws {
        #expect(try CSVTextDecoding.text(of: [0xEF, 0xBB, 0xBF] + Array("René".utf8), charset: nil) == "René")
        #expect(try CSVTextDecoding.text(of: Array("Zoë".utf8), charset: "UTF-8") == "Zoë")
    }

    @Test func invalidUTF8NamesTheLineAndByteAndSuggestsTheCharset() {
        let bytes = Self.header + Array("r@x.org,Ren".utf8) + [0xE9] + Array(",L\n".utf8)
        #expect(throws: CSVTextDecoding.Failure(description: "line 2 is not UTF-8 (byte 36, 0xE9); if the file comes from Excel, send it as 'Content-Type: text/csv; charset=windows-1252'")) {
            try CSVTextDecoding.text(of: bytes, charset: nil)
        }
    }

    @Test func windows1252AndLatin1() throws {
        // é, €, ’ and œ as Excel writes them in Western Europe.
        #expect(try CSVTextDecoding.text(of: [0x52, 0x65, 0x6E, 0xE9, 0x20, 0x80, 0x92, 0x9C], charset: "windows-1252") == "René €’œ")
        #expect(try CSVTextDecoding.text(of: [0x52, 0x65, 0x6E, 0xE9], charset: "iso-8859-1") == "René")
    }

    @Test func utf16NeedsItsByteOrderMarkOrANamedOrder() throws {
        let little: [UInt8] = [0xFF, 0xFE, 0x52, 0x00, 0xE9, 0x00]
        let big: [UInt8] = [0xFE, 0xFF, 0x00, 0x52, 0x00, 0xE9]
        #expect(try CSVTextDecoding.text(of: little, charset: "utf-16") == "Ré")
        #expect(try CSVTextDecoding.text(of: big, charset: "utf-16") == "Ré")
        #expect(try CSVTextDecoding.text(of: [0x52, 0x00], charset: "utf-16le") == "R")
        #expect(throws: CSVTextDecoding.Failure.self) { try CSVTextDecoding.text(of: [0x52, 0x00], charset: "utf-16") }
    }

    @Test func anUnknownCharsetIsNamed() {
        #expect(throws: CSVTextDecoding.Failure(description: "the charset 'ebcdic' is not one Roster reads; send utf-8, windows-1252, iso-8859-1 or utf-16")) {
            try CSVTextDecoding.text(of: [0x41], charset: "ebcdic")
        }
    }
}

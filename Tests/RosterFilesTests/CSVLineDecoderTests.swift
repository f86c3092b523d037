import RosterFiles
import Testing

@Suite("CSV files in the charset their sender names, decoded line by line as they arrive")
struct CSVLineDecoderTests {
    static let header = Array("email,firstName,lastName\n".utf8)

    /// The file's lines joined by `\n`, its bytes given `chunk` at a time.
    func text(of bytes: [UInt8], charset: String?, chunk: Int = .max) throws(CSVLineDecoder.Failure) -> String {
        var decoder = try CSVLineDecoder(charset: charset)
        var lines: [CSVLineDecoder.Line] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            lines += try decoder.lines(bytes[start..<end])
            start = end
        }
        lines += try decoder.finish()
        #expect(lines.map(\.number) == Array(1..<(lines.count + 1)))
        return lines.map(\.text).joined(separator: "\n")
    }

    @Test func utf8IsTheDefaultAndItsByteOrderMarkIsDropped() throws {
        #expect(try text(of: [0xEF, 0xBB, 0xBF] + Array("René".utf8), charset: nil) == "René")
        #expect(try text(of: Array("Zoë".utf8), charset: "UTF-8") == "Zoë")
    }

    @Test func linesEndAtLineFeedsCarriageReturnsOrBoth() throws {
        let bytes = Array("a\r\nb\rc\n\nd".utf8)
        for chunk in [1, 2, 100] {
            #expect(try text(of: bytes, charset: nil, chunk: chunk) == "a\nb\nc\n\nd", "chunk \(chunk)")
        }
    }

    @Test func bytesThatAreNotTheNamedUTF8NameTheLineAndByteAndSuggestTheCharset() {
        let bytes = Self.header + Array("r@x.org,Ren".utf8) + [0xE9] + Array(",L\n".utf8)
        for chunk in [1, 5, 1000] {
            #expect(throws: CSVLineDecoder.Failure(description: "line 2 is not UTF-8 (byte 36, 0xE9); if the file comes from Excel, send it as 'Content-Type: text/csv; charset=windows-1252', or with no charset to let Roster detect it")) {
                try text(of: bytes, charset: "utf-8", chunk: chunk)
            }
        }
    }

    @Test("without a charset, bytes that are not UTF-8 are Windows-1252, and the decoder says so")
    func windows1252IsDetected() throws {
        // "Prénom;Société" then "André;Crédit Mutuel – 3 €" as Excel saves them in France.
        let bytes = Array("Pr".utf8) + [0xE9] + Array("nom;Soci".utf8) + [0xE9, 0x74, 0xE9] + [0x0D, 0x0A]
            + Array("Andr".utf8) + [0xE9] + Array(";Cr".utf8) + [0xE9] + Array("dit Mutuel ".utf8) + [0x96, 0x20, 0x33, 0x20, 0x80]
        for chunk in [1, 4, 1000] {
            var decoder = try CSVLineDecoder(charset: nil)
            var lines: [String] = []
            var start = 0
            while start < bytes.count {
                lines += try decoder.lines(bytes[start..<min(start + chunk, bytes.count)]).map(\.text)
                start += chunk
            }
            lines += try decoder.finish().map(\.text)
            #expect(lines == ["Prénom;Société", "André;Crédit Mutuel – 3 €"], "chunk \(chunk)")
            #expect(decoder.encoding == "windows-1252")
            #expect(!lines.joined().contains("\u{FFFD}"))
        }
    }

    @Test("without a charset: UTF-8 when the bytes are UTF-8, ASCII as UTF-8, byte order marks")
    func otherEncodingsAreDetected() throws {
        func encoding(_ bytes: [UInt8]) throws -> (String, String) {
            var decoder = try CSVLineDecoder(charset: nil)
            let lines = try decoder.lines(bytes) + decoder.finish()
            return (lines.map(\.text).joined(separator: "\n"), decoder.encoding)
        }
        #expect(try encoding(Array("a,b\nRené,Zoë".utf8)) == ("a,b\nRené,Zoë", "utf-8"))
        #expect(try encoding(Array("a,b\nc,d".utf8)) == ("a,b\nc,d", "utf-8"))
        #expect(try encoding([0xEF, 0xBB, 0xBF] + Array("é".utf8)) == ("é", "utf-8"))
        #expect(try encoding([0xFF, 0xFE, 0xE9, 0x00, 0x0A, 0x00, 0x41, 0x00]) == ("é\nA", "utf-16le"))
        #expect(try encoding([0xFE, 0xFF, 0x00, 0xE9, 0x00, 0x0A, 0x00, 0x41]) == ("é\nA", "utf-16be"))
    }

    @Test("bytes no supported encoding explains are refused with their line and byte, never replaced")
    func unexplainedBytesAreRefused() throws {
        // 0x81 is undefined in Windows-1252.
        #expect(throws: CSVLineDecoder.Failure(description: "line 2 has the byte 0x81 (byte 6), which is a character neither in UTF-8 nor in Windows-1252; save the file again as 'CSV UTF-8'")) {
            try text(of: Array("a,b\nx,".utf8) + [0x81, 0xE9], charset: nil)
        }
        // A UTF-8 file that stops being UTF-8.
        #expect(throws: CSVLineDecoder.Failure(description: "line 3 is not UTF-8 (byte 11, 0xE9) though the lines before it are: the file mixes two encodings; save it again as 'CSV UTF-8'")) {
            try text(of: Array("a,b\nRené\nx".utf8) + [0xE9], charset: nil)
        }
        // A Windows-1252 file with a UTF-8 line after it.
        #expect(throws: CSVLineDecoder.Failure(description: "line 3 is UTF-8 but the lines before it are Windows-1252: the file mixes two encodings; save it again as 'CSV UTF-8'")) {
            try text(of: Array("a\nRen".utf8) + [0xE9, 0x0A] + Array("Zoë".utf8), charset: nil)
        }
        // Binary: a NUL byte.
        #expect(throws: CSVLineDecoder.Failure(description: "line 1 has a NUL byte (byte 3): this is not a text file; save a spreadsheet as CSV or xlsx", field: "body")) {
            try text(of: [0x61, 0x62, 0x63, 0x00, 0x64], charset: nil)
        }
    }

    @Test func aCharacterCutBetweenTwoChunksIsWhole() throws {
        let bytes = Array("Zoë 😀\nRené".utf8)
        #expect(try text(of: bytes, charset: nil, chunk: 1) == "Zoë 😀\nRené")
        var little: [UInt8] = [0xFF, 0xFE]
        for unit in "Zoë 😀\r\nx".utf16 { little += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try text(of: little, charset: "utf-16", chunk: 1) == "Zoë 😀\nx")
        #expect(try text(of: little, charset: "utf-16", chunk: 3) == "Zoë 😀\nx")
    }

    @Test func windows1252AndLatin1() throws {
        // é, €, ’ and œ as Excel writes them in Western Europe.
        #expect(try text(of: [0x52, 0x65, 0x6E, 0xE9, 0x20, 0x80, 0x92, 0x9C], charset: "windows-1252") == "René €’œ")
        #expect(try text(of: [0x52, 0x65, 0x6E, 0xE9], charset: "iso-8859-1") == "René")
    }

    @Test func utf16NeedsItsByteOrderMarkOrANamedOrder() throws {
        let little: [UInt8] = [0xFF, 0xFE, 0x52, 0x00, 0xE9, 0x00]
        let big: [UInt8] = [0xFE, 0xFF, 0x00, 0x52, 0x00, 0xE9]
        #expect(try text(of: little, charset: "utf-16") == "Ré")
        #expect(try text(of: big, charset: "utf-16") == "Ré")
        #expect(try text(of: [0x52, 0x00], charset: "utf-16le") == "R")
        #expect(try text(of: [0x00, 0x52, 0x00, 0x41], charset: "utf-16be") == "RA")
        #expect(throws: CSVLineDecoder.Failure.self) { try text(of: [0x52, 0x00, 0x41, 0x00], charset: "utf-16") }
        #expect(throws: CSVLineDecoder.Failure(description: "the file is not UTF-16 after 1 characters (it ends inside a character)")) {
            try text(of: [0xFF, 0xFE, 0x52, 0x00, 0x41], charset: "utf-16")
        }
        #expect(throws: CSVLineDecoder.Failure(description: "the file is not UTF-16 after 2 characters (an unpaired surrogate)")) {
            try text(of: [0xFF, 0xFE, 0x52, 0x00, 0x00, 0xDC], charset: "utf-16")
        }
    }

    @Test func aLineLongerThanTheLimitIsRefusedBeforeItFillsTheMemory() throws {
        var decoder = try CSVLineDecoder(charset: nil)
        let chunk = [UInt8](repeating: 0x61, count: 64 << 10)
        let failure = #expect(throws: CSVLineDecoder.Failure.self) {
            for _ in 0..<5 { _ = try decoder.lines(chunk) }
        }
        #expect(failure == CSVLineDecoder.Failure(description: "line 1 is longer than 256 KiB; a CSV file has one participant a line", field: "body"))
    }

    @Test func anUnknownCharsetIsNamed() {
        #expect(throws: CSVLineDecoder.Failure(description: "the charset 'ebcdic' is not one Roster reads; send utf-8, windows-1252, iso-8859-1 or utf-16, or no charset to let Roster detect it")) {
            try CSVLineDecoder(charset: "ebcdic")
        }
    }
}

import CSV
import Foundation
import PropertyBased
import RosterFiles
import Testing

/// The export's CSV, written by hand, against CSV.swift: the same bytes as CSV.swift writes for
/// the spreadsheet-safe cells, and read back as those cells.
@Suite("CSV exports")
struct CSVExportWriterTests {
    /// Characters CSV must take care of, plus ordinary ones. Rows have two fields or more, as an
    /// export's do: a row of one empty field is an empty line, which no reader tells from none.
    static let awkward = Array("\",\r\n ;'aZ9éß\t=+-@.") + ["😀"]
    static let field = Gen.int(in: 0..<awkward.count).map { awkward[$0] }.string(of: 0...6)

    @Test func quotesOnlyFieldsThatNeedItAndDoublesTheirQuotes() {
        let text = String(decoding: CSVExportWriter().encode(rows: [["plain", "a,b", #"say "hi""#, "two\nlines", ""], ["é", "x\r"]]), as: UTF8.self)
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\né,\"x\r\"")
    }

    @Test func writesWhatCSVSwiftWritesAndReadsBackAsTheSameRows() async {
        await propertyCheck(count: 300, input: Self.field.array(of: 2...4).array(of: 1...3)) { rows in
            let written = CSVExportWriter().encode(rows: rows)
            let safe = rows.map { $0.map(SpreadsheetSafety.neutralized) }
            #expect(written == Self.reference(safe))
            let reader = try? CSVReader(string: String(decoding: written, as: UTF8.self))
            #expect(reader.map { Array(IteratorSequence($0)) } == safe)
            // No cell read back starts a formula, even after leading blanks, unless it is a plain number.
            for cell in safe.joined() {
                let start = cell.first { !" \n\r\t".contains($0) }
                guard ["=", "+", "-", "@"].contains(start) || ["\t", "\r"].contains(cell.first) else { continue }
                #expect(cell.dropFirst().allSatisfy { $0.isNumber || $0 == "." }, "\(cell.debugDescription) would run as a formula")
            }
        }
    }

    @Test func prefixesCellsThatASpreadsheetWouldRunAsFormulas() throws {
        let cells = [#"=HYPERLINK("http://x","y")"#, "+1+cmd", "@SUM(A1)", "-2+3", "\tx", "\r=1", "Ada", "'quoted", "-5", "+3.25", "-", "1-2",
                     "  =1+1", "\n@x", " Ada", "\nAda"]
        let text = String(decoding: CSVExportWriter().encode(rows: [cells]), as: UTF8.self)
        let read = try #require(Array(IteratorSequence(try CSVReader(string: text))).first)
        #expect(read == [#"'=HYPERLINK("http://x","y")"#, "'+1+cmd", "'@SUM(A1)", "'-2+3", "'\tx", "'\r=1", "Ada", "'quoted", "-5", "+3.25", "'-", "1-2",
                         "'  =1+1", "'\n@x", " Ada", "\nAda"])
    }

    /// CSV.swift's writer on the same rows.
    static func reference(_ rows: [[String]]) -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try! CSVWriter(stream: stream, newline: .crlf)
        for row in rows { try! writer.write(row: row) }
        writer.stream.close()
        return stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    }
}

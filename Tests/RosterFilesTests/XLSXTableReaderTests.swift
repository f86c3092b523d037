import Foundation
import RosterCore
import Testing
import ZIPFoundation
@testable import RosterFiles

@Suite("The first sheet of an xlsx workbook is read as a table")
struct XLSXTableReaderTests {
    /// A workbook made of the given parts (SpreadsheetML as ECMA-376 writes it), with the
    /// relationships that find them named as `prefix` says (Excel: relative; some writers: absolute).
    static func workbook(sheet: String, sharedStrings: [String] = [], styles: String? = nil, date1904: Bool = false, absoluteTargets: Bool = false) throws -> URL {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let package = "http://schemas.openxmlformats.org/package/2006/relationships"
        let target = { (name: String) in absoluteTargets ? "/xl/\(name)" : name }
        var parts: [(String, String)] = [
            ("_rels/.rels", #"<Relationships xmlns="\#(package)"><Relationship Id="rId1" Type="\#(office)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<workbook xmlns="\#(main)" xmlns:r="\#(office)">\#(date1904 ? #"<workbookPr date1904="1"/>"# : "")<sheets><sheet name="People" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="\#(package)"><Relationship Id="rId8" Type="\#(office)/worksheet" Target="\#(target("worksheets/other.xml"))"/><Relationship Id="rId7" Type="\#(office)/worksheet" Target="\#(target("worksheets/people.xml"))"/><Relationship Id="rId2" Type="\#(office)/sharedStrings" Target="\#(target("sharedStrings.xml"))"/>\#(styles == nil ? "" : #"<Relationship Id="rId3" Type="\#(office)/styles" Target="\#(target("styles.xml"))"/>"#)</Relationships>"#),
            ("xl/worksheets/people.xml", #"<worksheet xmlns="\#(main)"><sheetData>\#(sheet)</sheetData></worksheet>"#),
            ("xl/worksheets/other.xml", #"<worksheet xmlns="\#(main)"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>"#),
            ("xl/sharedStrings.xml", #"<sst xmlns="\#(main)">\#(sharedStrings.map { "<si>\($0)</si>" }.joined())</sst>"#),
        ]
        if let styles { parts.append(("xl/styles.xml", #"<styleSheet xmlns="\#(main)">\#(styles)</styleSheet>"#)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-test-\(UUID().uuidString).xlsx")
        let archive = try Archive(url: url, accessMode: .create, pathEncoding: nil)
        for (path, xml) in parts {
            let data = Data((#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + xml).utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }

    func read(_ file: URL) throws -> (header: [String], rows: [TableRow]) {
        defer { try? FileManager.default.removeItem(at: file) }
        var header: [String] = []
        var rows: [TableRow] = []
        try XLSXTableReader(file: file, chunkSize: 2).read { chunk in
            switch chunk {
            case .header(let cells): header = cells
            case .rows(let chunk): rows += chunk
            }
        }
        return (header, rows)
    }

    /// Styles: 0 general, 1 a built-in date (14), 2 a custom date, 3 a date-time, 4 a number with colour and text.
    static let styles = #"<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="[Red]0.00\ &quot;pts&quot;"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs>"#

    @Test("shared, rich and inline strings, numbers, booleans, dates, errors; empty rows skipped, sheet rows kept")
    func everyKindOfCell() throws {
        let sheet = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Day</t></is></c><c r="D1" t="s"><v>2</v></c><c r="E1" t="str"><v>Score</v></c><c r="F1" t="s"><v>3</v></c></row>
            <row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" s="1"><v>46357</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" s="4"><v>12.5</v></c><c r="F2" s="3"><v>46357.604166666664</v></c></row>
            <row r="3"/>
            <row r="5"><c r="A5" t="inlineStr"><is><t>  b@x.org </t></is></c><c r="B5" t="s"><v>6</v></c><c r="C5" s="2"><v>46358</v></c><c r="D5" t="b"><v>0</v></c><c r="E5" t="e"><v>#N/A</v></c><c r="F5"><f>1+1</f><v>2</v></c></row>
            <row r="6"><c r="C6" s="3"><v>46359</v></c></row>
            """
        let strings = ["<t>Email</t>", "<t>Prénom</t>", "<t>Présent</t>", #"<r><t>Arr</t></r><r><rPr><b/></rPr><t xml:space="preserve">ival</t></r><rPh><t>x</t></rPh>"#,
                       "<t>a@x.org</t>", "<t>Zoë &amp; co_x000D_</t>", "<t>Bob</t>"]
        let (header, rows) = try read(Self.workbook(sheet: sheet, sharedStrings: strings, styles: Self.styles))
        #expect(header == ["Email", "Prénom", "Day", "Présent", "Score", "Arrival"])
        #expect(rows.map(\.sheetRow) == [2, 5, 6])
        #expect(rows.map(\.number) == [1, 2, 3])
        #expect(try rows[0].cells.get() == [.string("a@x.org"), .string("Zoë & co"), .string("2026-12-01"), .bool(true), .number(12.5), .string("2026-12-01 14:30:00")])
        #expect(try rows[1].cells.get() == [.string("b@x.org"), .string("Bob"), .string("2026-12-02"), .bool(false), .null, .number(2)])
        #expect(rows[1].problems == [4: "cell E5 holds the spreadsheet error #N/A; correct the cell or empty it"])
        #expect(try rows[2].cells.get() == [.null, .null, .string("2026-12-03")], "a date-time at midnight is its date")
    }

    @Test("the 1904 date system, and absolute part names")
    func dates1904() throws {
        let sheet = #"<row r="1"><c r="A1" t="inlineStr"><is><t>Day</t></is></c></row><row r="2"><c r="A2" s="1"><v>44895</v></c></row><row r="3"><c r="A3" s="1"><v>0</v></c></row>"#
        let (_, rows) = try read(Self.workbook(sheet: sheet, styles: Self.styles, date1904: true, absoluteTargets: true))
        #expect(try rows.map { try $0.cells.get() } == [[.string("2026-12-01")], [.string("1904-01-01")]])
    }

    @Test("the 1900 date system's first days, before Lotus's 29 February 1900")
    func dates1900() {
        #expect(XLSXDates.date(days: 1, date1904: false) == "1900-01-01")
        #expect(XLSXDates.date(days: 59, date1904: false) == "1900-02-28")
        #expect(XLSXDates.date(days: 61, date1904: false) == "1900-03-01")
        #expect(XLSXDates.date(days: 46357, date1904: false) == "2026-12-01")
        #expect(XLSXDates.text(serial: 0.75, format: .time, date1904: false) == "18:00:00")
    }

    @Test("custom number formats are dates only when they show a date or a time")
    func dateFormats() {
        #expect(XLSXDateFormat(code: "dd/mm/yyyy") == .date)
        #expect(XLSXDateFormat(code: "mmm yy") == .date)
        #expect(XLSXDateFormat(code: "h:mm AM/PM") == .time)
        #expect(XLSXDateFormat(code: "[h]:mm") == .time)
        #expect(XLSXDateFormat(code: "yyyy-mm-dd hh:mm:ss") == .dateTime)
        #expect(XLSXDateFormat(code: "General") == nil)
        #expect(XLSXDateFormat(code: #"[Red]0.00\ "days""#) == nil)
        #expect(XLSXDateFormat(code: "#,##0.00 [$€-40C]") == nil)
    }

    @Test("an xls file, a password-protected one and a file that is no workbook are refused, naming what they are")
    func refusedFiles() throws {
        func refusal(_ bytes: [UInt8]) throws -> ImportFileError? {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-test-\(UUID().uuidString).xlsx")
            try Data(bytes).write(to: url)
            return #expect(throws: ImportFileError.self) { try read(url) }
        }
        let compound: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        #expect(try refusal(compound)?.kind == .unsupportedFormat)
        let encrypted = compound + "EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let protected = try refusal(encrypted)
        #expect(protected?.kind == .unreadable && protected?.description.contains("password") == true)
        #expect(try refusal(Array("email,name\n".utf8))?.description.contains("not a ZIP archive") == true)
    }

    @Test("a tiny file can't make big rows: cells past the header are in no column, a cell is at most 32,767 characters")
    func boundedRows() throws {
        let long = String(repeating: "x", count: 40_000)
        let sheet = #"<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c><c r="B1" t="inlineStr"><is><t>Bio</t></is></c></row>"#
            + #"<row r="2"><c r="A2" t="inlineStr"><is><t>a@x.org</t></is></c><c r="XFD2"><v>1</v></c></row>"#
            + #"<row r="3"><c r="A3" t="inlineStr"><is><t>b@x.org</t></is></c><c r="B3" t="inlineStr"><is><t>\#(long)</t></is></c></row>"#
        let (_, rows) = try read(Self.workbook(sheet: sheet))
        #expect(try rows[0].cells.get() == [.string("a@x.org")], "the cell in column XFD fills no column: no 16,384 cells")
        #expect(rows[1].problems == [1: "cell B3 holds more than 32767 characters, more than a spreadsheet cell may"])
    }

    @Test("a part that declares a document type (entities that could expand it) is refused")
    func documentTypes() throws {
        let sheet = #"<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>"#
        let file = try Self.workbook(sheet: sheet, sharedStrings: ["<t>x</t>"])
        defer { try? FileManager.default.removeItem(at: file) }
        // The same workbook, its shared strings with a document type.
        let archive = try Archive(url: file, accessMode: .update, pathEncoding: nil)
        try archive.remove(try #require(archive["xl/sharedStrings.xml"]))
        let data = Data(#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst xmlns="x"><si><t>&a;</t></si></sst>"#.utf8)
        try archive.addEntry(with: "xl/sharedStrings.xml", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
        let error = #expect(throws: ImportFileError.self) { try read(file) }
        #expect(error?.description.contains("declares a document type") == true)
    }

    @Test("a part that inflates past its limit is refused before it fills the disk")
    func zipBomb() throws {
        let row = #"<row><c t="inlineStr"><is><t>xxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>"#
        let file = try Self.workbook(sheet: String(repeating: row, count: 2_000))
        defer { try? FileManager.default.removeItem(at: file) }
        let package = try XLSXPackage(file: file, limits: .init(smallPart: 1 << 20, sharedStrings: 1 << 20, sheet: 10_000))
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("roster-test-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: target) }
        let error = #expect(throws: ImportFileError.self) { try package.extractSheet(to: target) }
        #expect(error?.description.contains("unpacks to more than") == true)
    }

    @Test("read through its thread, chunk by chunk, the sheet gives the same rows")
    func chunksFromTheParsersThread() async throws {
        let rows = (2...11).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>p\#($0)@x.org</t></is></c></row>"# }.joined()
        let file = try Self.workbook(sheet: #"<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>"# + rows)
        defer { try? FileManager.default.removeItem(at: file) }
        var seen: [Int] = []
        var header: [String] = []
        for try await chunk in XLSXTableReader(file: file, chunkSize: 3).chunks() {
            switch chunk {
            case .header(let cells): header = cells
            case .rows(let rows): seen += rows.map(\.sheetRow)
            }
        }
        #expect(header == ["Email"])
        #expect(seen == Array(2...11))
    }
}

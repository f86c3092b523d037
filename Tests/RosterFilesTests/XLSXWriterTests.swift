import Foundation
import RosterCore
import Testing
import ZIPFoundation
@testable import RosterFiles

@Suite("xlsx exports are real, typed workbooks")
struct XLSXWriterTests {
    func part(_ path: String, of file: URL) throws -> String {
        let archive = try Archive(url: file, accessMode: .read)
        let entry = try #require(archive[path])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func workbookHasEveryPartAndTypedCells() throws {
        let writer = try XLSXWriter(sheetName: "Participants", headers: ["email", "age", "vip", "day", "at", "note"])
        try writer.append(rows: [[
            .text("ada@example.com"), .number(36), .bool(true), .date(CalendarDate(iso: "2026-03-01")!),
            .dateTime(Date(timeIntervalSince1970: 0)), .text("<b> & \u{1}"),
        ]])
        let file = try writer.finish()
        for path in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"] {
            #expect(try !part(path, of: file.url).isEmpty, "\(path) is missing")
        }
        let sheet = try part("xl/worksheets/sheet1.xml", of: file.url)
        #expect(sheet.contains(#"<c r="A1" t="inlineStr" s="1"><is><t>email</t></is></c>"#))
        #expect(sheet.contains(#"<c r="B2"><v>36</v></c>"#))
        #expect(sheet.contains(#"<c r="C2" t="b"><v>1</v></c>"#))
        #expect(sheet.contains(#"<c r="D2" s="2"><v>46082</v></c>"#))
        #expect(sheet.contains(#"<c r="E2" s="3"><v>25569.0000000000</v></c>"#))
        #expect(sheet.contains("&lt;b&gt; &amp; </t>"), "markup must be escaped and control characters dropped")
    }

    @Test func temporaryFilesGoAwayWithTheirOwner() throws {
        let writer = try XLSXWriter(sheetName: "S", headers: ["a"])
        var file: TemporaryFile? = try writer.finish()
        let url = file!.url
        #expect(FileManager.default.fileExists(atPath: url.path))
        file = nil
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func columnNames() {
        #expect(SpreadsheetML.columnName(0) == "A")
        #expect(SpreadsheetML.columnName(25) == "Z")
        #expect(SpreadsheetML.columnName(26) == "AA")
        #expect(SpreadsheetML.columnName(701) == "ZZ")
    }

    @Test("a text longer than Excel keeps in a cell (32,767) is cut to fit, between whole characters, with a marker")
    func longTextsFitExcel() {
        let short = String(repeating: "a", count: 32_767)
        #expect(SpreadsheetML.fitted(short) == short)
        let long = String(repeating: "é", count: 40_000)
        let fitted = SpreadsheetML.fitted(long)
        #expect(fitted.utf16.count == 32_767)
        #expect(fitted.hasSuffix(" […]") && fitted.hasPrefix("ééé"))
        // Emoji are two UTF-16 units: never split in half.
        let emoji = String(repeating: "😇", count: 20_000)
        let cut = SpreadsheetML.fitted(emoji)
        #expect(cut.utf16.count <= 32_767 && cut.dropLast(4).allSatisfy { $0 == "😇" })
        #expect(SpreadsheetML.cell(.text(long), reference: "A2", style: nil).contains(" […]</t>"))
    }
}

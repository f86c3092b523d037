import Foundation
import RosterCore

/// The XML of a minimal, valid SpreadsheetML workbook (ECMA-376): what Excel, LibreOffice and
/// openpyxl need, and nothing more.
enum SpreadsheetML {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// Indexes into `cellXfs` of ``styles``.
    static let headerStyle = 1
    static let dateStyle = 2
    static let dateTimeStyle = 3

    static let sheetStart = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(main)" xmlns:r="\(relationships)"><sheetViews><sheetView workbookViewId="0">\
        <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>
        """
    static let sheetEnd = "</sheetData></worksheet>"

    static func fixedParts(sheetName: String) -> [(String, String)] {
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        let package = "http://schemas.openxmlformats.org/package/2006"
        let office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return [
            ("[Content_Types].xml", header + """
                <Types xmlns="\(package)/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="\(type).sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="\(type).worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="\(type).styles+xml"/></Types>
                """),
            ("_rels/.rels", header + """
                <Relationships xmlns="\(package)/relationships"><Relationship Id="rId1" Type="\(office)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", header + """
                <workbook xmlns="\(main)" xmlns:r="\(relationships)"><sheets><sheet name="\(escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", header + """
                <Relationships xmlns="\(package)/relationships"><Relationship Id="rId1" Type="\(office)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="\(office)/styles" Target="styles.xml"/></Relationships>
                """),
            ("xl/styles.xml", header + styles),
        ]
    }

    static let styles = """
        <styleSheet xmlns="\(main)"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
        <numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    /// The most characters (UTF-16 code units) Excel keeps in a cell ("Excel specifications and
    /// limits": 32,767); a longer text is cut to fit, ending with ``cutMarker`` (issue 34).
    static let maxCellCharacters = 32_767
    /// Ends a text cut to fit a cell, so a reader knows the rest is in Roster.
    static let cutMarker = " […]"

    /// `text`, or its start and ``cutMarker`` when it passes ``maxCellCharacters``; cut between
    /// whole characters.
    static func fitted(_ text: String) -> String {
        guard text.utf16.count > maxCellCharacters else { return text }
        let budget = maxCellCharacters - cutMarker.utf16.count
        var kept = 0
        var end = text.startIndex
        for character in text {
            let size = character.utf16.count
            guard kept + size <= budget else { break }
            kept += size
            end = text.index(after: end)
        }
        return String(text[..<end]) + cutMarker
    }

    static func cell(_ cell: Cell, reference: String, style: Int?) -> String {
        let styleAttribute = style.map { " s=\"\($0)\"" } ?? ""
        switch cell {
        case .empty:
            return ""
        case .text(let whole):
            let text = fitted(whole)
            let space = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
            return "<c r=\"\(reference)\" t=\"inlineStr\"\(styleAttribute)><is><t\(space)>\(escape(text))</t></is></c>"
        case .number(let number):
            return "<c r=\"\(reference)\"\(styleAttribute)><v>\(FieldValue.number(number).text)</v></c>"
        case .bool(let value):
            return "<c r=\"\(reference)\" t=\"b\"\(styleAttribute)><v>\(value ? 1 : 0)</v></c>"
        case .date(let day):
            return "<c r=\"\(reference)\" s=\"\(style ?? dateStyle)\"><v>\(serial(day))</v></c>"
        case .dateTime(let instant):
            return "<c r=\"\(reference)\" s=\"\(style ?? dateTimeStyle)\"><v>\(serial(instant))</v></c>"
        }
    }

    /// Spreadsheet serial day numbers count from 1899-12-30 (the 1900 date system).
    static func serial(_ day: CalendarDate) -> Int { day.daysSinceEpoch + 25569 }

    static func serial(_ instant: Date) -> String {
        // Whole milliseconds, so the fraction prints without binary noise.
        let millis = (instant.timeIntervalSince1970 * 1000).rounded()
        let value = millis / 86_400_000 + 25569
        return String(format: "%.10f", value)
    }

    /// A, B, …, Z, AA, AB, …
    static func columnName(_ index: Int) -> String {
        var name = ""
        var number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    /// Escapes XML text, dropping the control characters XML 1.0 cannot hold.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Participants" : cleaned
    }
}

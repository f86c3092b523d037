import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Readers of an xlsx file's small parts (relationships, workbook, styles, shared strings), each
/// an `XMLParser` delegate; names are compared without their namespace prefix.
enum XMLParts {
    /// Parses `data` with `delegate`.
    /// - Throws: `.unreadable`, naming the part, when it is not well-formed XML.
    static func parse(_ data: Data, with delegate: some XMLParserDelegate, part: String) throws(ImportFileError) {
        try refuseDocumentType(Array(data.prefix(4096)), part: part)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw ImportFileError(.unreadable, "the part \(part) of the workbook is not well-formed XML (line \(parser.lineNumber)); the file is damaged", field: "body")
        }
    }

    /// SpreadsheetML never declares a document type; one that does could define entities that
    /// expand a small part into a large one. Looked for in the part's first bytes (the prolog).
    static func refuseDocumentType(_ head: [UInt8], part: String) throws(ImportFileError) {
        let text = String(decoding: head, as: UTF8.self).uppercased()
        if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
            throw ImportFileError(.unreadable, "the part \(part) of the workbook declares a document type, which no spreadsheet writes; the file is not an Excel workbook", field: "body")
        }
    }

    /// An element's name without its namespace prefix (`x:row` → `row`).
    static func local(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }

    /// A relationship of a part: `<Relationship Id="rId1" Type="…/worksheet" Target="worksheets/sheet1.xml"/>`.
    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    final class Relationships: NSObject, XMLParserDelegate {
        var items: [Relationship] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            guard local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"],
                  attributes["TargetMode"] != "External" else { return }
            items.append(Relationship(id: id, type: attributes["Type"] ?? "", target: target))
        }
    }

    /// `xl/workbook.xml`: the first sheet's relationship id and the date system.
    final class Workbook: NSObject, XMLParserDelegate {
        var firstSheetRelationship: String?
        var date1904 = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch local(name) {
            case "workbookPr":
                date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased() ?? "")
            case "sheet" where firstSheetRelationship == nil:
                // `r:id`, whatever the prefix bound to the relationships namespace.
                firstSheetRelationship = attributes.first { $0.key.hasSuffix(":id") }?.value
            default:
                break
            }
        }
    }

    /// `xl/styles.xml`: the number format of each cell style (`cellXfs`), and custom formats.
    final class Styles: NSObject, XMLParserDelegate {
        private var customFormats: [Int: String] = [:]
        private var cellFormats: [Int] = []
        private var inCellXfs = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch local(name) {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
            case "cellXfs":
                inCellXfs = true
            case "xf" where inCellXfs:
                cellFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if local(name) == "cellXfs" { inCellXfs = false }
        }

        func dateStyles() -> [Int: XLSXDateFormat] {
            var styles: [Int: XLSXDateFormat] = [:]
            for (index, format) in cellFormats.enumerated() {
                if let kind = XLSXDateFormat(builtIn: format) ?? customFormats[format].flatMap(XLSXDateFormat.init(code:)) { styles[index] = kind }
            }
            return styles
        }
    }

    /// `xl/sharedStrings.xml`: each `<si>`'s text, its runs joined, phonetic guides left out.
    final class SharedStrings: NSObject, XMLParserDelegate {
        /// The most shared strings read: a sheet of a million rows of five text cells holds fewer.
        static let maxCount = 5_000_000

        var strings: [String] = []
        /// Why the table was refused part-way.
        private(set) var failure: ImportFileError?
        private var current = ""
        private var inText = false
        private var inPhonetic = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch local(name) {
            case "si": current = ""
            case "t": inText = !inPhonetic
            case "rPh": inPhonetic = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard inText else { return }
            if current.utf8.count + string.utf8.count > XLSXSheetParser.maxCellCharacters * 4 {
                stop(parser, "a text of the workbook has more than \(XLSXSheetParser.maxCellCharacters) characters, more than a spreadsheet cell may")
                return
            }
            current += string
        }

        private func stop(_ parser: XMLParser, _ message: String) {
            failure = ImportFileError(.unreadable, message, field: "body")
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(name) {
            case "si":
                guard strings.count < Self.maxCount else {
                    stop(parser, "the workbook has more than \(Self.maxCount) different texts; split the file")
                    return
                }
                strings.append(XLSXText.unescaped(current))
            case "t": inText = false
            case "rPh": inPhonetic = false
            default: break
            }
        }
    }
}

/// How a cell style shows a number: as a date, a time of day, or both.
enum XLSXDateFormat: Sendable, Equatable {
    case date, time, dateTime

    /// The built-in number formats (ECMA-376 §18.8.30) that show dates or times.
    init?(builtIn id: Int) {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: self = .date
        case 18...21, 32, 33, 45...47: self = .time
        case 22: self = .dateTime
        default: return nil
        }
    }

    /// A custom format code's kind: its date (`y`, `d`, `m` without `h`/`s`) and time (`h`, `s`, `[h]`)
    /// tokens, outside quoted text, escapes and `[…]` sections (colours, conditions, locales).
    init?(code: String) {
        var hasDate = false, hasTime = false, hasMonthOrMinute = false
        var characters = code.lowercased().makeIterator()
        while let character = characters.next() {
            switch character {
            case "\"": while let next = characters.next(), next != "\"" {}
            case "[":
                var section = ""
                while let next = characters.next(), next != "]" { section.append(next) }
                // [h], [mm], [ss]: elapsed time; anything else ([Red], [$-40C], [>100]) shows no date.
                if !section.isEmpty, section.allSatisfy({ "hms".contains($0) }) { hasTime = true }
            case "\\", "_", "*": _ = characters.next()
            case "y", "d": hasDate = true
            case "h", "s": hasTime = true
            case "m": hasMonthOrMinute = true
            default: break
            }
        }
        if hasMonthOrMinute, !hasTime { hasDate = true }
        switch (hasDate, hasTime) {
        case (true, true): self = .dateTime
        case (true, false): self = .date
        case (false, true): self = .time
        default: return nil
        }
    }
}

/// Text as SpreadsheetML writes it.
enum XLSXText {
    /// `_xHHHH_` escapes (how SpreadsheetML writes characters XML can't hold, such as a line
    /// feed in some writers) turned back into characters.
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var result = ""
        var rest = text[...]
        while let start = rest.range(of: "_x") {
            result += rest[..<start.lowerBound]
            let hex = rest[start.upperBound...].prefix(5)
            if hex.count == 5, hex.last == "_", let value = UInt32(hex.dropLast(), radix: 16), let scalar = Unicode.Scalar(value) {
                result.unicodeScalars.append(scalar)
                rest = rest[rest.index(start.upperBound, offsetBy: 5)...]
            } else {
                result += "_x"
                rest = rest[start.upperBound...]
            }
        }
        return result + rest
    }
}

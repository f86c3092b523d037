import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RosterCore

/// Reads a worksheet part (`<sheetData><row r="2"><c r="B2" t="s" s="1"><v>4</v></c>…`) as
/// `XMLParser` streams it, and hands its rows on a chunk at a time: the first row with a value is
/// the header, each later row with a value a ``TableRow`` numbered as the sheet numbers it.
final class XLSXSheetParser: NSObject, XMLParserDelegate {
    private let sharedStrings: [String]
    private let dateStyles: [Int: XLSXDateFormat]
    private let date1904: Bool
    private let chunkSize: Int
    private let onHeader: ([String]) throws -> Void
    private let onRows: ([TableRow]) throws -> Void
    private let shouldStop: () -> Bool

    /// The most characters a cell holds (Excel's own limit); a longer one is its column's problem.
    static let maxCellCharacters = 32_767

    /// Why reading stopped early: the file's fault, or the receiver's (it threw).
    private(set) var failure: (any Error)?
    private var header: [String]?
    private var pending: [TableRow] = []
    private var dataRows = 0

    // The row and cell being read.
    private var rowNumber = 0
    private var cells: [InputValue] = []
    private var problems: [Int: String] = [:]
    private var column = 0
    private var cellType = ""
    private var cellStyle = 0
    private var value = ""
    private var inline = ""
    private var collecting = false
    private var inInline = false
    private var inPhonetic = false
    /// The cell's text went past ``maxCellCharacters``; what came after was not kept.
    private var cellTooLong = false
    /// Cells past this column are in no column of the table: the header's width once it is known.
    private var columnLimit = 16_384

    init(sharedStrings: [String], dateStyles: [Int: XLSXDateFormat], date1904: Bool, chunkSize: Int, shouldStop: @escaping () -> Bool = { false },
         onHeader: @escaping ([String]) throws -> Void, onRows: @escaping ([TableRow]) throws -> Void) {
        self.shouldStop = shouldStop
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.date1904 = date1904
        self.chunkSize = chunkSize
        self.onHeader = onHeader
        self.onRows = onRows
    }

    /// Hands on the rows still pending; called once the parser has finished.
    func finish() throws {
        if !pending.isEmpty { try onRows(pending) }
        pending = []
        if header == nil {
            throw ImportFileError(.unreadable, "the workbook's first sheet is empty; its first row must name the columns (email, first name, last name, …)", field: "body")
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XMLParts.local(name) {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
            problems = [:]
            column = 0
        case "c":
            column = attributes["r"].flatMap(Self.columnIndex) ?? cells.count
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
            inline = ""
            cellTooLong = false
        case "v":
            collecting = true
        case "is":
            inInline = true
        case "rPh":
            inPhonetic = true
        case "t" where inInline && !inPhonetic:
            collecting = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard collecting, !cellTooLong else { return }
        // Counted in UTF-8 bytes, four to a character at most: a cell of text from a small,
        // well-compressed file must not grow without end.
        if (inInline ? inline : value).utf8.count + string.utf8.count > Self.maxCellCharacters * 4 {
            cellTooLong = true
            return
        }
        if inInline { inline += string } else { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch XMLParts.local(name) {
        case "v", "t": collecting = false
        case "is": inInline = false
        case "rPh": inPhonetic = false
        case "c": endCell()
        case "row":
            do {
                try endRow()
                // The reader is gone (an error, the row limit, a client that left): stop here.
                if shouldStop() { throw CancellationError() }
            } catch {
                failure = error
                parser.abortParsing()
            }
        default: break
        }
    }

    private func endCell() {
        // Past the header's last column (or, before it, past Excel's last, XFD): in no column.
        guard column < columnLimit else { return }
        if cells.count <= column { cells.append(contentsOf: repeatElement(.null, count: column + 1 - cells.count)) }
        switch cellValue() {
        case .success(let cell): cells[column] = cell
        case .failure(let problem): problems[column] = problem.message
        }
    }

    private struct CellProblem: Error { var message: String }

    private func cellValue() -> Result<InputValue, CellProblem> {
        let reference = SpreadsheetML.columnName(column) + String(rowNumber)
        let text = cellType == "inlineStr" ? inline : value
        if cellTooLong || (text.utf8.count > Self.maxCellCharacters && text.count > Self.maxCellCharacters) {
            return .failure(CellProblem(message: "cell \(reference) holds more than \(Self.maxCellCharacters) characters, more than a spreadsheet cell may"))
        }
        switch cellType {
        case "s":
            guard let index = Int(value), sharedStrings.indices.contains(index) else {
                return .failure(CellProblem(message: "cell \(reference) refers to a shared string the file does not have; the file is damaged"))
            }
            return .success(.string(sharedStrings[index]))
        case "inlineStr": return .success(.string(XLSXText.unescaped(inline)))
        case "str": return .success(.string(XLSXText.unescaped(value)))
        case "b": return .success(value.isEmpty ? .null : .bool(value == "1" || value.lowercased() == "true"))
        case "e": return .failure(CellProblem(message: "cell \(reference) holds the spreadsheet error \(value); correct the cell or empty it"))
        case "d": return .success(value.isEmpty ? .null : .string(Self.isoDate(value)))
        default:
            guard !value.isEmpty else { return .success(.null) }
            guard let number = Double(value) else {
                return .failure(CellProblem(message: "cell \(reference) holds '\(value)', which is not a number though the file says it is"))
            }
            guard let format = dateStyles[cellStyle] else { return .success(.number(number)) }
            return .success(.string(XLSXDates.text(serial: number, format: format, date1904: date1904)))
        }
    }

    private func endRow() throws {
        let filled = cells.contains { if case .null = $0 { false } else { true } } || !problems.isEmpty
        guard filled else { return }
        guard header != nil else {
            let names = cells.map { cell -> String in
                switch cell {
                case .string(let text): text.trimmed()
                case .number(let number): FieldValue.number(number).text
                case .bool(let flag): flag ? "TRUE" : "FALSE"
                default: ""
                }
            }
            header = names
            columnLimit = names.count
            try onHeader(names)
            return
        }
        dataRows += 1
        let trimmed = cells.map { cell -> InputValue in
            if case .string(let text) = cell { let clean = text.trimmed(); return clean.isEmpty ? .null : .string(clean) }
            return cell
        }
        pending.append(TableRow(number: dataRows, sheetRow: rowNumber, cells: .success(trimmed), problems: problems))
        if pending.count >= chunkSize {
            let rows = pending
            pending = []
            try onRows(rows)
        }
    }

    /// `B12` → 1: the letters of a cell reference as a 0-based column.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value & 0x1F)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    /// An ISO 8601 date cell (`t="d"`), its date alone when it has no time.
    private static func isoDate(_ text: String) -> String {
        if text.hasSuffix("T00:00:00") || text.hasSuffix("T00:00:00Z") { return String(text.prefix(10)) }
        return text
    }
}

/// Spreadsheet date serials (days since the workbook's epoch, the time of day as a fraction).
enum XLSXDates {
    /// A serial as text: `2026-12-07` for a date, `14:30:00` for a time, `2026-12-07 14:30:00` for
    /// both (a date-time at midnight is its date alone).
    static func text(serial: Double, format: XLSXDateFormat, date1904: Bool) -> String {
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        let time = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        if format == .time { return time }
        let date = self.date(days: days, date1904: date1904)
        return format == .dateTime && seconds != 0 ? date + " " + time : date
    }

    /// The date of a whole serial. The 1900 system counts 1900-01-01 as day 1 and, as Lotus 1-2-3
    /// did, has a 29 February 1900 (day 60) that never was; the 1904 system counts from 1904-01-01 as day 0.
    static func date(days: Int, date1904: Bool) -> String {
        if date1904 { return CalendarDate(daysSinceEpoch: days - 24_107).iso }
        if days == 60 { return "1900-02-29" }
        return CalendarDate(daysSinceEpoch: days - (days < 60 ? 25_568 : 25_569)).iso
    }
}

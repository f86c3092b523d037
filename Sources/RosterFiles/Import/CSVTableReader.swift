import CSV
import Foundation
import RosterCore

/// Reads a CSV file as its bytes arrive, one record at a time: memory holds the record being
/// read, never the file. It gives the header's cells, then each record's cells; which column is
/// which participant field is ``ImportColumns``'s to say.
///
/// The separator is the header's most frequent of `,` `;` and tab outside quotes (French
/// spreadsheets save with `;`); a quoted value may span lines; CRLF, LF and CR line ends; the
/// character set is the one the sender names or the one the bytes show (``CSVLineDecoder``).
/// Field parsing is CSV.swift's for records with quotes (those without are cut at the separator);
/// this type adds per-record recovery and numbering.
public struct CSVTableReader: Sendable {
    private var decoder: CSVLineDecoder
    private var records: CSVRecordSplitter?
    /// The separator the header uses (`,` until the header is read).
    public private(set) var separator: Character = ","
    /// The header's cells, trimmed, once read.
    public private(set) var header: [String]?
    private var number = 0

    /// - Parameter charset: the `charset` parameter of the request's content type; `nil` detects it.
    /// - Throws: when Roster does not read that character set.
    public init(charset: String?) throws(ImportFileError) {
        do { decoder = try CSVLineDecoder(charset: charset) } catch { throw ImportFileError(.unreadable, error.description, field: "charset") }
    }

    /// The character set the file is read in (see ``CSVLineDecoder/encoding``).
    public var encoding: String { decoder.encoding }

    /// The rows completed by `bytes`, the next part of the file.
    /// - Throws: when the bytes are not text in the file's character set.
    public mutating func read(_ bytes: some Collection<UInt8>) throws(ImportFileError) -> [TableRow] {
        let lines: [CSVLineDecoder.Line]
        do { lines = try decoder.lines(bytes) } catch { throw ImportFileError(.unreadable, error.description, field: error.field) }
        return try rows(after: lines, atEnd: false)
    }

    /// The rows left at the end of the file.
    /// - Throws: when the file is empty, or ends inside a character.
    public mutating func finish() throws(ImportFileError) -> [TableRow] {
        let lines: [CSVLineDecoder.Line]
        do { lines = try decoder.finish() } catch { throw ImportFileError(.unreadable, error.description, field: error.field) }
        let rows = try rows(after: lines, atEnd: true)
        guard header != nil else {
            throw ImportFileError(.unreadable, "the CSV file is empty; its first line must name the columns (email, first name, last name, …)", field: "body")
        }
        return rows
    }

    private mutating func rows(after lines: [CSVLineDecoder.Line], atEnd: Bool) throws(ImportFileError) -> [TableRow] {
        for line in lines {
            if records == nil {
                if line.text.allSatisfy(\.isWhitespace) { continue }
                separator = Self.separator(of: line.text)
                records = CSVRecordSplitter(delimiter: separator)
            }
            records?.add(line)
        }
        var rows: [TableRow] = []
        while let record = records?.next(atEnd: atEnd) {
            guard header != nil else {
                if let problem = record.problem { throw ImportFileError(.unreadable, "the header line can't be read: \(problem)", field: "body") }
                header = Self.fields(of: record.text, separator: separator).map { $0.trimmed() }
                continue
            }
            rows.append(row(record))
        }
        return rows
    }

    private mutating func row(_ record: CSVRecordSplitter.Record) -> TableRow {
        number += 1
        // A spreadsheet shows one row a record, the header as row 1.
        let sheetRow = number + 1
        if let problem = record.problem {
            return TableRow(number: number, sheetRow: sheetRow, cells: .failure(ValidationFailure(field: "row", message: "line \(record.line): \(problem)")))
        }
        let values = Self.fields(of: record.text, separator: separator)
        let columns = header?.count ?? 0
        if values.count > columns, values[columns...].contains(where: { !$0.trimmed().isEmpty }) {
            return TableRow(number: number, sheetRow: sheetRow, cells: .failure(ValidationFailure(
                field: "row", message: "line \(record.line) has \(values.count) values but the header names \(columns) columns")))
        }
        return TableRow(number: number, sheetRow: sheetRow, cells: .success(values.prefix(columns).map { value in
            let trimmed = value.trimmed()
            return trimmed.isEmpty ? .null : .string(trimmed)
        }))
    }

    /// The most frequent of `,` `;` and tab in a header line, outside quotes; `,` on a tie.
    static func separator(of header: String) -> Character {
        var counts: [Character: Int] = [",": 0, ";": 0, "\t": 0]
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() } else if !quoted, counts[character] != nil { counts[character]! += 1 }
        }
        return [";", "\t"].reduce(",") { best, next in counts[next]! > counts[best]! ? next : best }
    }

    private static func fields(of record: String, separator: Character) -> [String] {
        // A record without quotes is its text cut at each separator; CSV.swift reads the others.
        let byte = separator.asciiValue!
        if !record.utf8.contains(UInt8(ascii: "\"")) {
            var fields: [String] = []
            var start = record.utf8.startIndex
            for index in record.utf8.indices where record.utf8[index] == byte {
                fields.append(String(Substring(record.utf8[start..<index])))
                start = record.utf8.index(after: index)
            }
            fields.append(String(Substring(record.utf8[start...])))
            return fields
        }
        let reader = try? CSVReader(string: record, hasHeaderRow: false, delimiter: separator.unicodeScalars.first!)
        return reader?.next() ?? []
    }
}

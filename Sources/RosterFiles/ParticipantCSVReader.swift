import CSV
import Foundation
import RosterCore

/// Reads participants from a CSV file as its bytes arrive, one record at a time: memory holds
/// the record being read, never the file.
///
/// The header names the columns: built-in properties (`email`, `firstName`, … — also written
/// `first name` or `first_name`) and custom field codes. Comma or semicolon delimiters (French
/// spreadsheets save with `;`), a UTF-8 byte order mark, and CRLF line ends are accepted; the
/// character set is the one the sender names (see ``CSVLineDecoder``).
/// Field parsing is CSV.swift's; this type adds per-record recovery and numbering.
public struct ParticipantCSVReader: Sendable {
    /// One data record: its number (1-based, the header not counted) and either a draft or why it can't be read.
    public struct Row: Sendable {
        /// The record's number among the data records, from 1 (the header not counted).
        public var number: Int
        /// The file line the record starts on, from 1; a quoted value may carry it over several lines.
        public var line: Int
        /// The draft read from the record, not yet checked, or why the record could not be read.
        public var result: Result<ParticipantDraft, ValidationFailure>
    }

    /// Why the file as a whole can't be read (from the row it was found on, for a character that
    /// is not in the file's character set).
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// What is wrong with the file, in words.
        public var description: String
        /// `charset` when the bytes are not text in the file's character set, `body` when they
        /// are not lines of text.
        public var field: String?
    }

    private var decoder: CSVLineDecoder
    private var records: CSVRecordSplitter?
    private var delimiter: Character = ","
    private var header: [String]?
    private var number = 0

    /// - Parameter charset: the `charset` parameter of the request's content type, if any.
    /// - Throws: when Roster does not read that character set.
    public init(charset: String?) throws(FileError) {
        do { decoder = try CSVLineDecoder(charset: charset) } catch { throw FileError(description: error.description, field: "charset") }
    }

    /// The rows completed by `bytes`, the next part of the file.
    /// - Throws: when the header has no `email` column, or the bytes are not in the file's charset.
    public mutating func read(_ bytes: some Collection<UInt8>) throws(FileError) -> [Row] {
        let lines: [CSVLineDecoder.Line]
        do { lines = try decoder.lines(bytes) } catch { throw FileError(description: error.description, field: error.field) }
        return try rows(after: lines, atEnd: false)
    }

    /// The rows left at the end of the file.
    /// - Throws: when the file is empty or has no `email` column, or ends inside a character.
    public mutating func finish() throws(FileError) -> [Row] {
        let lines: [CSVLineDecoder.Line]
        do { lines = try decoder.finish() } catch { throw FileError(description: error.description, field: error.field) }
        let rows = try rows(after: lines, atEnd: true)
        guard header != nil else { throw FileError(description: "the CSV file is empty; its first line must name the columns (email, firstName, lastName, …)") }
        return rows
    }

    private mutating func rows(after lines: [CSVLineDecoder.Line], atEnd: Bool) throws(FileError) -> [Row] {
        for line in lines {
            if records == nil {
                if line.text.allSatisfy(\.isWhitespace) { continue }
                // The header line says which delimiter the file uses.
                delimiter = line.text.count(where: { $0 == ";" }) > line.text.count(where: { $0 == "," }) ? ";" : ","
                records = CSVRecordSplitter(delimiter: delimiter)
            }
            records?.add(line)
        }
        var rows: [Row] = []
        while let record = records?.next(atEnd: atEnd) {
            guard let header else {
                try readHeader(record)
                continue
            }
            rows.append(row(record, header: header))
        }
        return rows
    }

    private mutating func readHeader(_ record: CSVRecordSplitter.Record) throws(FileError) {
        if let problem = record.problem { throw FileError(description: "the header line can't be read: \(problem)") }
        let columns = Self.fields(of: record.text, delimiter: delimiter).map(Self.columnKey)
        guard columns.contains("email") else {
            throw FileError(description: "the header has no 'email' column; found: \(columns.joined(separator: ", "))")
        }
        header = columns
    }

    private mutating func row(_ record: CSVRecordSplitter.Record, header: [String]) -> Row {
        number += 1
        if let problem = record.problem {
            return Row(number: number, line: record.line, result: .failure(ValidationFailure(field: "row", message: "line \(record.line): \(problem)")))
        }
        let values = Self.fields(of: record.text, delimiter: delimiter)
        if values.count > header.count, values[header.count...].contains(where: { !$0.isEmpty }) {
            return Row(number: number, line: record.line, result: .failure(ValidationFailure(
                field: "row", message: "line \(record.line) has \(values.count) values but the header names \(header.count) columns")))
        }
        var fields: [String: InputValue] = [:]
        for (column, value) in zip(header, values) where !column.isEmpty {
            let trimmed = value.trimmed()
            if !trimmed.isEmpty { fields[column] = .string(trimmed) }
        }
        return Row(number: number, line: record.line, result: .success(ParticipantDraft(record: fields)))
    }

    private static func fields(of record: String, delimiter: Character) -> [String] {
        let reader = try? CSVReader(string: record, hasHeaderRow: false, delimiter: delimiter.unicodeScalars.first!)
        return reader?.next() ?? []
    }

    /// An empty import file for an event, to fill in a spreadsheet: the header line naming the
    /// built-in columns, then each custom field by code, in the event's order.
    public static func template(fields: [FieldDefinition]) -> String {
        let columns = ["email", "firstName", "lastName", "company", "jobTitle", "isRegistered", "hasAttended", "allowNetworking"] + fields.map(\.code)
        return columns.map { column in
            column.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" }) ? "\"" + column.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : column
        }.joined(separator: ",") + "\r\n"
    }

    /// Header cells name built-ins loosely ("First Name", "first_name") and custom codes exactly.
    static func columnKey(_ header: String) -> String {
        let trimmed = header.trimmed()
        let squashed = trimmed.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" }
        let builtIns = ["email", "firstname", "lastname", "company", "jobtitle", "isregistered", "hasattended", "allownetworking"]
        return builtIns.contains(squashed) ? squashed : trimmed
    }
}

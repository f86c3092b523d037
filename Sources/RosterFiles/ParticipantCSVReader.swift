import CSV
import Foundation
import RosterCore

/// Reads participants from CSV text, one record at a time.
///
/// The header names the columns: built-in properties (`email`, `firstName`, … — also written
/// `first name` or `first_name`) and custom field codes. Comma or semicolon delimiters (French
/// spreadsheets save with `;`), a UTF-8 byte order mark, and CRLF line ends are accepted.
/// Field parsing is CSV.swift's; this type adds per-record recovery and numbering.
public struct ParticipantCSVReader: Sequence, IteratorProtocol {
    /// One data record: its number (1-based, the header not counted) and either a draft or why it can't be read.
    public struct Row: Sendable {
        public var number: Int
        public var line: Int
        public var result: Result<ParticipantDraft, ValidationFailure>
    }

    /// Why the file as a whole can't be read.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private var records: CSVRecordSplitter
    private let header: [String]
    private let delimiter: Character
    private var number = 0

    /// Reads the header; throws when the file has none or no `email` column.
    public init(text: String) throws(FileError) {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        delimiter = firstLine.count(where: { $0 == ";" }) > firstLine.count(where: { $0 == "," }) ? ";" : ","
        records = CSVRecordSplitter(text: body, delimiter: delimiter)
        guard let headerRecord = records.next() else { throw FileError(description: "the CSV file is empty; its first line must name the columns (email, firstName, lastName, …)") }
        if let problem = headerRecord.problem { throw FileError(description: "the header line can't be read: \(problem)") }
        header = Self.fields(of: headerRecord.text, delimiter: delimiter).map(Self.columnKey)
        guard header.contains("email") else {
            throw FileError(description: "the header has no 'email' column; found: \(header.joined(separator: ", "))")
        }
    }

    public mutating func next() -> Row? {
        guard let record = records.next() else { return nil }
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

    private static func fields(of record: Substring, delimiter: Character) -> [String] {
        let reader = try? CSVReader(string: String(record), hasHeaderRow: false, delimiter: delimiter.unicodeScalars.first!)
        return reader?.next() ?? []
    }

    /// Header cells name built-ins loosely ("First Name", "first_name") and custom codes exactly.
    static func columnKey(_ header: String) -> String {
        let trimmed = header.trimmed()
        let squashed = trimmed.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" }
        let builtIns = ["email", "firstname", "lastname", "company", "jobtitle", "isregistered", "hasattended", "allownetworking"]
        return builtIns.contains(squashed) ? squashed : trimmed
    }
}

// Written by hand, although CSV.swift (which reads the imports) also writes CSV: on Linux its
// writer searches each field through Foundation's NSString and collects its output in an
// OutputStream whose Data is copied out byte by byte, 90 % of a 100,000-row export's 7–9 s
// (perf). The rule is the one it applies, RFC 4180's: a field holding a quote, a comma, CR or LF
// is quoted, its quotes doubled; rows end with CRLF.
import Foundation

/// Writes export rows as CSV (RFC 4180, `\r\n` line ends, UTF-8), a batch at a time. Every
/// cell goes through ``SpreadsheetSafety/neutralized(_:)`` first: a participant's name can't
/// become a live formula in the organiser's spreadsheet.
public struct CSVExportWriter: Sendable {
    /// Makes a writer; it keeps no state between batches.
    public init() {}

    /// The CSV text of these rows, CRLF between them (none after the last).
    public func encode(rows: [[String]]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 256)
        for (index, row) in rows.enumerated() {
            if index > 0 { bytes.append(contentsOf: [Self.cr, Self.lf]) }
            for (column, field) in row.enumerated() {
                if column > 0 { bytes.append(Self.comma) }
                Self.append(SpreadsheetSafety.neutralized(field), to: &bytes)
            }
        }
        return Data(bytes)
    }

    private static func append(_ field: String, to bytes: inout [UInt8]) {
        var field = field
        field.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 == quote || $0 == comma || $0 == cr || $0 == lf }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            bytes.append(quote)
            for byte in utf8 {
                if byte == quote { bytes.append(quote) }
                bytes.append(byte)
            }
            bytes.append(quote)
        }
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
}

/// CSV injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return as a formula, and a formula can open links, run
/// commands (DDE) or send the sheet's data elsewhere. Such a cell, or one whose first character
/// after leading spaces and line breaks is one of these (some imports trim first), is written
/// with a leading `'`, which spreadsheets read as "this is text". A plain number (`-5`, `+3.2`)
/// is left as it is: it is no formula, and a number column stays numbers.
public enum SpreadsheetSafety {
    /// The text as a cell may hold it safely.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        let significant = text.utf8.first { !blanks.contains($0) }
        let dangerous = triggers.contains(first) || significant.map(formulaStarts.contains) ?? false
        return dangerous && !isPlainNumber(text) ? "'" + text : text
    }

    private static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")]
    private static let triggers = formulaStarts.union([0x09, 0x0D])
    /// What some imports trim before reading a cell.
    private static let blanks: Set<UInt8> = [UInt8(ascii: " "), 0x0A, 0x0D, 0x09]

    /// A sign, digits, and at most one `.` followed by digits.
    static func isPlainNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8.dropFirst())
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return !bytes.isEmpty && bytes.allSatisfy(isDigit) }
        let whole = bytes[..<dot], fraction = bytes[(dot + 1)...]
        return !whole.isEmpty && !fraction.isEmpty && whole.allSatisfy(isDigit) && fraction.allSatisfy(isDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

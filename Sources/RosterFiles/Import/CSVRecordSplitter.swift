/// Cuts CSV lines into records as they arrive, so that one record with broken quoting is
/// reported on its own instead of swallowing every row after it (a lone `"` would otherwise run
/// to the end of file).
///
/// A record spans several lines only while a quoted field is open; if the quote does not close
/// within ``maxLinesPerRecord`` lines, the first line is taken as broken and reading resumes on
/// the next line. So a record is known once at most that many lines after its start have arrived.
struct CSVRecordSplitter: Sendable {
    /// A record's text and the line it starts on (1-based).
    struct Record {
        var text: String
        var line: Int
        /// Why the record is not well-formed CSV, if it is not.
        var problem: String?
    }

    static let maxLinesPerRecord = 50

    /// The lines not yet made into records, from `head` on (taking a record moves `head`: a
    /// chunk of the file brings a thousand lines, and removing each from the front would move the rest).
    private var lines: [CSVLineDecoder.Line] = []
    private var head = 0
    private let delimiter: Character

    init(delimiter: Character) { self.delimiter = delimiter }

    mutating func add(_ line: CSVLineDecoder.Line) {
        // Once most lines were taken, the rest move to the front: amortized, never quadratic,
        // and the array never holds more than twice what waits.
        if head > 0, head * 2 >= lines.count {
            lines.removeFirst(head)
            head = 0
        }
        lines.append(line)
    }

    private var waiting: Int { lines.count - head }
    private func line(_ offset: Int) -> CSVLineDecoder.Line { lines[head + offset] }
    private mutating func take(_ count: Int) { head += count }

    /// The next record, once the lines it needs have arrived; at the end of the file, whatever
    /// the lines left make.
    mutating func next(atEnd: Bool) -> Record? {
        // Blank lines between records are skipped (a trailing newline ends the file with one).
        while waiting > 0, line(0).text.utf8.first.map({ $0 <= 0x20 || $0 >= 0x80 }) ?? true, line(0).text.isBlank { take(1) }
        guard waiting > 0 else { return nil }
        let first = line(0)
        var end = 0
        var quotes = Self.quotes(in: first.text)
        while quotes % 2 == 1, end + 1 < Self.maxLinesPerRecord {
            guard end + 1 < waiting else {
                if atEnd { break }
                return nil // the quote may close on a line still to come
            }
            end += 1
            quotes += Self.quotes(in: line(end).text)
        }
        let broken = Record(text: first.text, line: first.number, problem: "a quoted value is never closed (a \" is missing)")
        if quotes % 2 == 1 {
            take(1)
            return broken
        }
        let text = end == 0 ? first.text : (0...end).map { line($0).text }.joined(separator: "\n")
        let problem = quotes == 0 ? nil : Self.quotingProblem(in: Substring(text), delimiter: delimiter)
        if problem != nil, end > 0 {
            // The quotes balanced only by borrowing later lines' stray quotes: the first line
            // alone is the broken record; the lines after it get their own chance.
            take(1)
            return broken
        }
        take(end + 1)
        return Record(text: text, line: first.number, problem: problem)
    }

    /// How many `"` a line has (a byte that is never part of another character in UTF-8).
    static func quotes(in text: String) -> Int { text.utf8.count(where: { $0 == UInt8(ascii: "\"") }) }

    /// RFC 4180 quoting: a quote opens a field only at its start, and a closing quote is followed
    /// by a delimiter, the end of the record, or a second quote (an escaped quote).
    static func quotingProblem(in text: Substring, delimiter: Character) -> String? {
        var inQuotes = false
        var atFieldStart = true
        var iterator = text.makeIterator()
        var pending = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if inQuotes {
                if character == "\"" {
                    if pending == "\"" { pending = iterator.next(); continue }
                    inQuotes = false
                    if let following = pending, following != delimiter, following != "\r", following != "\n" {
                        return "unexpected text after a closing quote (write a quote inside a quoted value as \"\")"
                    }
                }
                continue
            }
            if character == "\"" {
                if !atFieldStart { return "a quote inside an unquoted value (quote the whole value and double the quote: \"\")" }
                inQuotes = true
                atFieldStart = false
            } else {
                atFieldStart = character == delimiter || character == "\n"
            }
        }
        return nil
    }
}

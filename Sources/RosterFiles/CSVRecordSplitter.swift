/// Cuts CSV text into records, so that one record with broken quoting is reported on its own
/// instead of swallowing every row after it (a lone `"` would otherwise run to the end of file).
///
/// A record spans several lines only while a quoted field is open; if the quote does not close
/// within ``maxLinesPerRecord`` lines, the first line is taken as broken and reading resumes on
/// the next line.
struct CSVRecordSplitter: Sequence, IteratorProtocol {
    /// A record's text and the physical line it starts on (1-based).
    struct Record {
        var text: Substring
        var line: Int
        /// Why the record is not well-formed CSV, if it is not.
        var problem: String?
    }

    static let maxLinesPerRecord = 50

    private let lines: [Substring]
    private var index = 0
    private let delimiter: Character

    init(text: Substring, delimiter: Character) {
        // "\r\n" is one Character in Swift, so line ends are matched as characters, not bytes.
        self.lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        self.delimiter = delimiter
    }

    mutating func next() -> Record? {
        // Blank lines between records are skipped (a trailing newline ends the file with one).
        while index < lines.count, lines[index].allSatisfy(\.isWhitespace) { index += 1 }
        guard index < lines.count else { return nil }
        let start = index
        var end = index
        var quotes = lines[index].count(where: { $0 == "\"" })
        while quotes % 2 == 1, end + 1 < lines.count, end - start + 1 < Self.maxLinesPerRecord {
            end += 1
            quotes += lines[end].count(where: { $0 == "\"" })
        }
        if quotes % 2 == 1 {
            index = start + 1
            return Record(text: lines[start], line: start + 1, problem: "a quoted value is never closed (a \" is missing)")
        }
        let text = lines[start].base[lines[start].startIndex..<lines[end].endIndex]
        let problem = Self.quotingProblem(in: text, delimiter: delimiter)
        if problem != nil, end > start {
            // The quotes balanced only by borrowing later lines' stray quotes: the first line
            // alone is the broken record; the lines after it get their own chance.
            index = start + 1
            return Record(text: lines[start], line: start + 1, problem: "a quoted value is never closed (a \" is missing)")
        }
        index = end + 1
        return Record(text: text, line: start + 1, problem: problem)
    }

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

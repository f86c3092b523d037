/// A lexical token of SOQL with the 1-based column it starts at (queries are reported as one row).
struct SoqlToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case string(String)
        case number(Double, text: String)
        case date(days: Int, text: String)
        case dateTime(milliseconds: Int64, text: String)
        case symbol(String)
        case end
    }

    let kind: Kind
    let row: Int
    let column: Int

    /// The token as Salesforce quotes it in `unexpected token: …` messages.
    var display: String {
        switch kind {
        case .identifier(let name): name
        case .string(let text): "'\(text)'"
        case .number(_, let text), .date(_, let text), .dateTime(_, let text): text
        case .symbol(let symbol): symbol
        case .end: "<EOF>"
        }
    }

    /// Whether this is the keyword `word` (SOQL keywords are case-insensitive).
    func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = kind { return name.uppercased() == word }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
}

/// Splits a SOQL statement into tokens, decoding string escapes as the SOQL reference lists them.
struct SoqlLexer {
    /// Marks an escaped `%` or `_` inside a decoded string literal.
    static let likeEscape: Unicode.Scalar = "\u{E000}"

    static func tokenize(_ text: String) throws(SalesforceError) -> [SoqlToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [SoqlToken] = []
        var index = 0
        var row = 1
        var lineStart = 0

        func error(_ message: String, at position: Int) -> SalesforceError {
            SoqlErrors.malformed(text, row: row, column: position - lineStart + 1, message: message)
        }

        while index < chars.count {
            let char = chars[index]
            if char == "\n" { row += 1; index += 1; lineStart = index; continue }
            if char.properties.isWhitespace { index += 1; continue }
            let column = index - lineStart + 1
            let start = index
            if char == "'" {
                index += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while index < chars.count {
                    let c = chars[index]
                    if c == "'" { closed = true; index += 1; break }
                    if c == "\\" {
                        guard index + 1 < chars.count else { break }
                        let escaped = chars[index + 1]
                        index += 2
                        switch escaped {
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "b": value.append("\u{08}")
                        case "f": value.append("\u{0C}")
                        case "'", "\"", "\\": value.append(escaped)
                        // \_ and \% keep a private-use marker so LIKE can tell them from wildcards.
                        case "_", "%": value.append(SoqlLexer.likeEscape); value.append(escaped)
                        case "u":
                            guard index + 4 <= chars.count,
                                  let code = UInt32(String(String.UnicodeScalarView(chars[index..<index + 4])), radix: 16),
                                  let scalar = Unicode.Scalar(code)
                            else { throw error("Invalid string literal", at: start) }
                            value.append(scalar)
                            index += 4
                        default:
                            throw SoqlErrors.malformed(
                                text, row: row, column: column,
                                message: "Invalid string literal '\(String(String.UnicodeScalarView(chars[start..<min(index, chars.count)])))'. Illegal character sequence '\\\(escaped)' in string literal.")
                        }
                        continue
                    }
                    value.append(c)
                    index += 1
                }
                guard closed else { throw error("line \(row):\(column) no viable alternative at character '''", at: start) }
                tokens.append(SoqlToken(kind: .string(String(value)), row: row, column: column))
                continue
            }
            if char.properties.isAlphabetic || char == "_" {
                while index < chars.count, chars[index].properties.isAlphabetic || chars[index] == "_"
                    || ("0"..."9").contains(chars[index])
                { index += 1 }
                let word = String(String.UnicodeScalarView(chars[start..<index]))
                tokens.append(SoqlToken(kind: .identifier(word), row: row, column: column))
                continue
            }
            if ("0"..."9").contains(char) || (char == "-" || char == "+" || char == ".") && index + 1 < chars.count
                && ("0"..."9").contains(chars[index + 1]) && !(tokens.last.map(SoqlLexer.endsOperand) ?? false)
            {
                index += 1
                while index < chars.count,
                      ("0"..."9").contains(chars[index]) || ".-:TZ+".unicodeScalars.contains(chars[index])
                { index += 1 }
                let word = String(String.UnicodeScalarView(chars[start..<index]))
                if word.count >= 10, let days = SalesforceDate.parseDate(word), word.count == 10 {
                    tokens.append(SoqlToken(kind: .date(days: days, text: word), row: row, column: column))
                } else if word.count > 10, word.contains("T"), let ms = SalesforceDate.parseDateTime(word) {
                    tokens.append(SoqlToken(kind: .dateTime(milliseconds: ms, text: word), row: row, column: column))
                } else if let number = Double(word) {
                    tokens.append(SoqlToken(kind: .number(number, text: word), row: row, column: column))
                } else {
                    throw error("unexpected token: '\(word)'", at: start)
                }
                continue
            }
            let two = index + 1 < chars.count ? String(String.UnicodeScalarView([char, chars[index + 1]])) : ""
            if ["!=", "<>", "<=", ">="].contains(two) {
                tokens.append(SoqlToken(kind: .symbol(two), row: row, column: column))
                index += 2
                continue
            }
            if "=<>(),.:".unicodeScalars.contains(char) {
                tokens.append(SoqlToken(kind: .symbol(String(char)), row: row, column: column))
                index += 1
                continue
            }
            throw error("line \(row):\(column) no viable alternative at character '\(char)'", at: start)
        }
        tokens.append(SoqlToken(kind: .end, row: row, column: index - lineStart + 1))
        return tokens
    }

    /// After an operand a sign is an operator, not part of a number.
    private static func endsOperand(_ token: SoqlToken) -> Bool {
        switch token.kind {
        case .identifier: false
        case .string, .number, .date, .dateTime: true
        case .symbol(let symbol): symbol == ")"
        case .end: false
        }
    }
}

/// The MALFORMED_QUERY / INVALID_FIELD message layout of a real org: the query, a caret under
/// the offending column, `ERROR at Row:R:Column:C`, then the reason.
enum SoqlErrors {
    static func located(_ code: String, _ query: String, row: Int, column: Int, message: String) -> SalesforceError {
        let line = query.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = row - 1 < line.count ? String(line[row - 1]) : query
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return SalesforceError(code, "\n\(shown)\n\(caret)\nERROR at Row:\(row):Column:\(column)\n\(message)")
    }

    static func malformed(_ query: String, row: Int, column: Int, message: String) -> SalesforceError {
        located("MALFORMED_QUERY", query, row: row, column: column, message: message)
    }
}

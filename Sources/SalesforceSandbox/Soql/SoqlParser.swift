/// Parses the SOQL subset the sandbox supports into a ``SoqlQuery``.
///
/// Mixing `AND` and `OR` at one level without parentheses is refused, as a real org refuses it.
struct SoqlParser {
    /// The documented maximum length of a SOQL statement.
    static let maximumLength = 100_000

    private let text: String
    private let tokens: [SoqlToken]
    private var position = 0
    private let today: Int

    /// Parses `text`; `nowMilliseconds` anchors relative date literals such as `TODAY`.
    static func parse(_ text: String, nowMilliseconds: Int64) throws(SalesforceError) -> SoqlQuery {
        guard text.count <= maximumLength else {
            throw SalesforceError("MALFORMED_QUERY", "SOQL statements cannot be longer than 100,000 characters.")
        }
        var parser = SoqlParser(text: text, tokens: try SoqlLexer.tokenize(text),
                                today: Int(nowMilliseconds / 86_400_000))
        return try parser.parseQuery()
    }

    private init(text: String, tokens: [SoqlToken], today: Int) {
        self.text = text
        self.tokens = tokens
        self.today = today
    }

    private var current: SoqlToken { tokens[position] }

    private func unexpected(_ token: SoqlToken? = nil) -> SalesforceError {
        let token = token ?? current
        let shown = token.kind == .end ? "<EOF>" : "'\(token.display)'"
        return SoqlErrors.malformed(text, row: token.row, column: token.column, message: "unexpected token: \(shown)")
    }

    private mutating func expectKeyword(_ word: String) throws(SalesforceError) {
        guard current.isKeyword(word) else { throw unexpected() }
        position += 1
    }

    private mutating func expectSymbol(_ symbol: String) throws(SalesforceError) {
        guard current.isSymbol(symbol) else { throw unexpected() }
        position += 1
    }

    private mutating func acceptKeyword(_ word: String) -> Bool {
        if current.isKeyword(word) { position += 1; return true }
        return false
    }

    private mutating func name() throws(SalesforceError) -> SoqlName {
        guard case .identifier(let word) = current.kind, !SoqlParser.reserved.contains(word.uppercased()) else {
            throw unexpected()
        }
        defer { position += 1 }
        return SoqlName(text: word, row: current.row, column: current.column)
    }

    private static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "OFFSET", "NULL",
        "TRUE", "FALSE", "ASC", "DESC", "NULLS", "GROUP", "HAVING", "WITH", "INCLUDES", "EXCLUDES",
    ]

    private mutating func parseQuery() throws(SalesforceError) -> SoqlQuery {
        try expectKeyword("SELECT")
        var select: [SoqlSelectItem] = []
        repeat {
            if current.isKeyword("COUNT"), tokens[position + 1].isSymbol("(") {
                position += 2
                try expectSymbol(")")
                select.append(.countAll)
            } else if current.isSymbol("(") {
                throw SoqlErrors.malformed(text, row: current.row, column: current.column,
                                           message: "Nested queries are not supported by the sandbox")
            } else {
                select.append(.field(try path()))
            }
        } while acceptSymbol(",")
        if select.contains(.countAll), select.count > 1 { throw unexpected(tokens[position - 1]) }
        try expectKeyword("FROM")
        let from = try name()
        var query = SoqlQuery(text: text, select: select, from: from, whereClause: nil, orderBy: [])
        if acceptKeyword("WHERE") { query.whereClause = try condition() }
        if acceptKeyword("ORDER") {
            try expectKeyword("BY")
            repeat {
                var item = SoqlOrderItem(path: try path(), ascending: true, nullsFirst: true)
                if acceptKeyword("DESC") { item.ascending = false; item.nullsFirst = false } else { _ = acceptKeyword("ASC") }
                if acceptKeyword("NULLS") {
                    if acceptKeyword("FIRST") { item.nullsFirst = true } else { try expectKeyword("LAST"); item.nullsFirst = false }
                }
                query.orderBy.append(item)
            } while acceptSymbol(",")
        }
        if acceptKeyword("LIMIT") { query.limit = try integer() }
        if acceptKeyword("OFFSET") {
            let offset = try integer()
            guard offset <= 2000 else {
                throw SalesforceError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
            }
            query.offset = offset
        }
        guard current.kind == .end else { throw unexpected() }
        return query
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        if current.isSymbol(symbol) { position += 1; return true }
        return false
    }

    private mutating func integer() throws(SalesforceError) -> Int {
        guard case .number(let value, _) = current.kind, value >= 0, value == value.rounded() else { throw unexpected() }
        position += 1
        return Int(value)
    }

    private mutating func path() throws(SalesforceError) -> SoqlFieldPath {
        var parts = [try name()]
        while acceptSymbol(".") { parts.append(try name()) }
        return SoqlFieldPath(parts: parts)
    }

    // MARK: Conditions

    private mutating func condition() throws(SalesforceError) -> SoqlCondition {
        var left = try unary()
        var joiner: String?
        while current.isKeyword("AND") || current.isKeyword("OR") {
            let word = current.isKeyword("AND") ? "AND" : "OR"
            if let joiner, joiner != word { throw unexpected() }
            joiner = word
            position += 1
            let right = try unary()
            left = word == "AND" ? .and(left, right) : .or(left, right)
        }
        return left
    }

    private mutating func unary() throws(SalesforceError) -> SoqlCondition {
        if acceptKeyword("NOT") { return .not(try unary()) }
        if acceptSymbol("(") {
            let inner = try condition()
            try expectSymbol(")")
            return inner
        }
        let field = try path()
        if acceptKeyword("LIKE") {
            guard case .string(let pattern) = current.kind else { throw unexpected() }
            position += 1
            return .like(field, pattern, negated: false)
        }
        let negated = acceptKeyword("NOT")
        if negated || current.isKeyword("IN") {
            try expectKeyword("IN")
            try expectSymbol("(")
            var values: [SoqlLiteral] = []
            repeat { values.append(try literal()) } while acceptSymbol(",")
            try expectSymbol(")")
            return .inList(field, values, negated: negated)
        }
        guard case .symbol(let symbol) = current.kind else { throw unexpected() }
        let op: SoqlOperator
        switch symbol {
        case "=": op = .equal
        case "!=", "<>": op = .notEqual
        case "<": op = .less
        case ">": op = .greater
        case "<=": op = .lessOrEqual
        case ">=": op = .greaterOrEqual
        default: throw unexpected()
        }
        position += 1
        return .compare(field, op, try literal())
    }

    private mutating func literal() throws(SalesforceError) -> SoqlLiteral {
        let token = current
        position += 1
        switch token.kind {
        case .string(let value): return .string(value)
        case .number(let value, _): return .number(value)
        case .date(let days, _): return .date(days: days)
        case .dateTime(let ms, _): return .dateTime(milliseconds: ms)
        case .identifier(let word):
            switch word.uppercased() {
            case "NULL": return .null
            case "TRUE": return .bool(true)
            case "FALSE": return .bool(false)
            case "TODAY": return .relativeDate(name: word, startDay: today, endDay: today + 1)
            case "YESTERDAY": return .relativeDate(name: word, startDay: today - 1, endDay: today)
            case "TOMORROW": return .relativeDate(name: word, startDay: today + 1, endDay: today + 2)
            case "LAST_N_DAYS", "NEXT_N_DAYS":
                try expectSymbol(":")
                let count = try integer()
                return word.uppercased() == "LAST_N_DAYS"
                    ? .relativeDate(name: word, startDay: today - count, endDay: today + 1)
                    : .relativeDate(name: word, startDay: today + 1, endDay: today + 1 + count)
            default: throw unexpected(token)
            }
        default: throw unexpected(token)
        }
    }
}

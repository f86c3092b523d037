/// Turning WHERE conditions into predicates, with the literal-type checks a real org makes.
extension SoqlEvaluator {
    typealias Predicate = (StoredRecord) -> Bool

    /// A literal reduced to what it is compared as.
    enum Operand {
        case null
        case text(String)
        case number(Double)
        case bool(Bool)
        /// Milliseconds since the epoch for date-times; days for dates. `[start, end)`.
        case range(Int64, Int64)
        case point(Int64)
    }

    func compile(_ condition: SoqlCondition) throws(SalesforceError) -> Predicate {
        switch condition {
        case .and(let left, let right):
            let l = try compile(left)
            let r = try compile(right)
            return { l($0) && r($0) }
        case .or(let left, let right):
            let l = try compile(left)
            let r = try compile(right)
            return { l($0) || r($0) }
        case .not(let inner):
            let i = try compile(inner)
            return { !i($0) }
        case .compare(let path, let op, let literal):
            let resolved = try resolve(path)
            let operand = try self.operand(literal, for: resolved.field, path: path)
            let type = resolved.field.type
            return { record in SoqlEvaluator.test(self.value(record, resolved), op, operand, type) }
        case .inList(let path, let literals, let negated):
            let resolved = try resolve(path)
            let operands = try literals.map { literal throws(SalesforceError) in
                try self.operand(literal, for: resolved.field, path: path)
            }
            let type = resolved.field.type
            if resolved.hops.isEmpty, !negated, type.isText || type == .id || type == .reference {
                // Hash look-up instead of a linear scan keeps a 2,000-value IN cheap per row.
                var keys = Set<String>()
                var hasNull = false
                for operand in operands {
                    if case .text(let text) = operand { keys.insert(text) } else if case .null = operand { hasNull = true }
                }
                let field = resolved.field
                return { record in
                    let value = self.state.fieldValue(record, field)
                    guard let key = SoqlEvaluator.key(value, type) else { return hasNull }
                    return keys.contains(key)
                }
            }
            return { record in
                let value = self.value(record, resolved)
                let found = operands.contains { SoqlEvaluator.test(value, .equal, $0, type) }
                return negated ? !found : found
            }
        case .like(let path, let pattern, let negated):
            let resolved = try resolve(path)
            guard resolved.field.type.isText else {
                let part = path.parts[path.parts.count - 1]
                throw SoqlErrors.located(
                    "INVALID_FIELD", query.text, row: part.row, column: part.column,
                    message: "invalid operator on \(resolved.field.type.rawValue) field: \(resolved.field.name)")
            }
            let matcher = LikePattern(pattern)
            return { record in
                guard let text = self.value(record, resolved).stringValue else { return negated }
                return matcher.matches(text) != negated
            }
        }
    }

    /// Compared text: lower-cased, with Ids in their 18-character form.
    static func key(_ value: JSONValue, _ type: FieldType) -> String? {
        guard let text = value.stringValue else { return nil }
        if type == .id || type == .reference { return SalesforceId(text)?.value.lowercased() ?? text.lowercased() }
        return text.lowercased()
    }

    private func operand(_ literal: SoqlLiteral, for field: SObjectField, path: SoqlFieldPath) throws(SalesforceError) -> Operand {
        let part = path.parts[path.parts.count - 1]
        func mismatch(_ expected: String, quoted: Bool) -> SalesforceError {
            SoqlErrors.located(
                "INVALID_FIELD", query.text, row: part.row, column: part.column,
                message: "value of filter criterion for field '\(field.name)' must be of type \(expected) and should "
                    + (quoted ? "be enclosed in quotes" : "not be enclosed in quotes"))
        }
        if literal == .null { return .null }
        switch field.type {
        case .id, .reference:
            guard case .string(let text) = literal else { throw mismatch("id", quoted: true) }
            guard let id = SalesforceId(text) else {
                throw SoqlErrors.located("INVALID_QUERY_FILTER_OPERATOR", query.text, row: part.row, column: part.column,
                                         message: "invalid ID field: \(text)")
            }
            return .text(id.value.lowercased())
        case .boolean:
            guard case .bool(let flag) = literal else { throw mismatch("boolean", quoted: false) }
            return .bool(flag)
        case .double, .int, .currency, .percent:
            guard case .number(let number) = literal else { throw mismatch("double", quoted: false) }
            return .number(number)
        case .date:
            switch literal {
            case .date(let days): return .point(Int64(days))
            case .relativeDate(_, let start, let end): return .range(Int64(start), Int64(end))
            default: throw mismatch("date", quoted: false)
            }
        case .datetime:
            switch literal {
            case .dateTime(let ms): return .point(ms)
            case .relativeDate(_, let start, let end): return .range(Int64(start) * 86_400_000, Int64(end) * 86_400_000)
            default: throw mismatch("dateTime", quoted: false)
            }
        default:
            guard case .string(let text) = literal else { throw mismatch("string", quoted: true) }
            return .text(text.replacingEscapes().lowercased())
        }
    }

    /// Evaluates `value op operand` with SOQL's rules: text case-insensitive; `=`/`!=` treat
    /// null as a value; ordering comparisons with null are false.
    static func test(_ value: JSONValue, _ op: SoqlOperator, _ operand: Operand, _ type: FieldType) -> Bool {
        let order: Int?
        switch operand {
        case .null:
            switch op {
            case .equal: return value.isNull
            case .notEqual: return !value.isNull
            default: return false
            }
        case .text(let text):
            guard let key = key(value, type) else { return op == .notEqual }
            order = key == text ? 0 : (key < text ? -1 : 1)
        case .number(let number):
            guard let actual = value.doubleValue else { return op == .notEqual }
            order = actual == number ? 0 : (actual < number ? -1 : 1)
        case .bool(let flag):
            guard let actual = value.boolValue else { return op == .notEqual }
            order = actual == flag ? 0 : (actual ? 1 : -1)
        case .point(let point):
            guard let actual = temporal(value, type) else { return op == .notEqual }
            order = actual == point ? 0 : (actual < point ? -1 : 1)
        case .range(let start, let end):
            guard let actual = temporal(value, type) else { return op == .notEqual }
            order = actual < start ? -1 : (actual >= end ? 1 : 0)
        }
        guard let order else { return false }
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .greater: return order > 0
        case .lessOrEqual: return order <= 0
        case .greaterOrEqual: return order >= 0
        }
    }

    /// Days for dates, milliseconds for date-times.
    static func temporal(_ value: JSONValue, _ type: FieldType) -> Int64? {
        guard let text = value.stringValue else { return nil }
        if type == .date { return SalesforceDate.parseDate(text).map(Int64.init) }
        return SalesforceDate.parseDateTime(text)
    }

    /// Ordering for ORDER BY (non-null values).
    static func less(_ a: JSONValue, _ b: JSONValue, _ type: FieldType) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.bool(let x), .bool(let y)): return !x && y
        case (.string(let x), .string(let y)):
            if type == .datetime, let l = SalesforceDate.parseDateTime(x), let r = SalesforceDate.parseDateTime(y) {
                return l < r
            }
            return x.lowercased() < y.lowercased()
        default: return false
        }
    }
}

extension String {
    /// Drops the marker the lexer keeps before escaped `%` and `_` (only LIKE gives them meaning).
    func replacingEscapes() -> String {
        guard unicodeScalars.contains(SoqlLexer.likeEscape) else { return self }
        var scalars = unicodeScalars
        scalars.removeAll { $0 == SoqlLexer.likeEscape }
        return String(scalars)
    }
}

/// A LIKE pattern: `%` any run, `_` one character, `\%` and `\_` literal; case-insensitive.
struct LikePattern {
    private enum Piece { case char(Character), one, any }
    private let pieces: [Piece]

    init(_ pattern: String) {
        var pieces: [Piece] = []
        var escaping = false
        for char in pattern.lowercased() {
            if escaping { pieces.append(.char(char)); escaping = false; continue }
            switch char {
            case Character(SoqlLexer.likeEscape): escaping = true
            case "%": pieces.append(.any)
            case "_": pieces.append(.one)
            default: pieces.append(.char(char))
            }
        }
        self.pieces = pieces
    }

    func matches(_ text: String) -> Bool {
        let chars = Array(text.lowercased())
        // Classic wildcard matching with backtracking to the last `%`.
        var p = 0, t = 0, star = -1, mark = 0
        while t < chars.count {
            if p < pieces.count {
                switch pieces[p] {
                case .any: star = p; mark = t; p += 1; continue
                case .one: p += 1; t += 1; continue
                case .char(let c) where c == chars[t]: p += 1; t += 1; continue
                default: break
                }
            }
            if star >= 0 { p = star + 1; mark += 1; t = mark; continue }
            return false
        }
        while p < pieces.count, case .any = pieces[p] { p += 1 }
        return p == pieces.count
    }
}

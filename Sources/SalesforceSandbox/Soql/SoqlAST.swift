/// A parsed SOQL statement (the subset the sandbox supports).
struct SoqlQuery: Sendable {
    /// The original text, for error messages.
    var text: String
    var select: [SoqlSelectItem]
    var from: SoqlName
    var whereClause: SoqlCondition?
    var orderBy: [SoqlOrderItem]
    var limit: Int?
    var offset: Int?

    var isCount: Bool { select.count == 1 && select[0] == .countAll }
}

/// A name as written, with where it was written.
struct SoqlName: Sendable, Equatable {
    var text: String
    var row: Int
    var column: Int
}

/// `Campaign.Name` is `[Campaign, Name]`.
struct SoqlFieldPath: Sendable, Equatable {
    var parts: [SoqlName]
    var dotted: String { parts.map(\.text).joined(separator: ".") }
}

enum SoqlSelectItem: Sendable, Equatable {
    case field(SoqlFieldPath)
    case countAll
}

enum SoqlOperator: String, Sendable {
    case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
}

enum SoqlLiteral: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case date(days: Int)
    case dateTime(milliseconds: Int64)
    /// `TODAY`, `LAST_N_DAYS:7`…: a range of whole days relative to now, `[start, end)` in days.
    case relativeDate(name: String, startDay: Int, endDay: Int)
}

indirect enum SoqlCondition: Sendable {
    case and(SoqlCondition, SoqlCondition)
    case or(SoqlCondition, SoqlCondition)
    case not(SoqlCondition)
    case compare(SoqlFieldPath, SoqlOperator, SoqlLiteral)
    case inList(SoqlFieldPath, [SoqlLiteral], negated: Bool)
    case like(SoqlFieldPath, String, negated: Bool)
}

struct SoqlOrderItem: Sendable {
    var path: SoqlFieldPath
    var ascending: Bool
    var nullsFirst: Bool
}

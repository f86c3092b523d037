import Foundation

/// SOQL text built from parts, with every value escaped as the SOQL reference documents
/// ("Quoted String Escape Sequences"): a participant's email can never change a query.
public struct SOQL: Sendable, Hashable, CustomStringConvertible {
    /// The statement.
    public let text: String

    /// The statement text, as sent.
    public var description: String { text }

    /// A string literal, quotes included: `\`, `'`, `"` and the control escapes get a backslash.
    public static func literal(_ value: String) -> String { "'" + escaped(value, like: false) + "'" }

    /// A literal for LIKE that matches `value` as written: `%` and `_` are escaped too, so
    /// only the wildcards the caller adds (`prefix`, `suffix`) act as wildcards.
    public static func likeLiteral(_ value: String, prefix: String = "", suffix: String = "") -> String {
        "'" + prefix + escaped(value, like: true) + suffix + "'"
    }

    private static func escaped(_ value: String, like: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "%" where like: out += "\\%"
            case "_" where like: out += "\\_"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A condition of a WHERE clause.
    public indirect enum Condition: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, [String])
        case like(String, prefix: String)
        case isTrue(String)
        case isFalse(String)
        case isNull(String)
        case isNotNull(String)
        /// `field >= 2026-12-08T09:30:00Z`: a date-time field at or after `date`, to the second.
        case onOrAfter(String, Date)
        case and([Condition])
        case or([Condition])

        var text: String {
            switch self {
            case .equals(let field, let value): "\(field) = \(SOQL.literal(value))"
            case .notEquals(let field, let value): "\(field) != \(SOQL.literal(value))"
            case .in(let field, let values): "\(field) IN (\(values.map(SOQL.literal).joined(separator: ", ")))"
            case .like(let field, let prefix): "\(field) LIKE \(SOQL.likeLiteral(prefix, suffix: "%"))"
            case .isTrue(let field): "\(field) = true"
            case .isFalse(let field): "\(field) = false"
            case .isNull(let field): "\(field) = null"
            case .isNotNull(let field): "\(field) != null"
            case .onOrAfter(let field, let date): "\(field) >= \(SOQL.dateTimeLiteral(date))"
            case .and(let parts): parts.count == 1 ? parts[0].text : "(" + parts.map(\.text).joined(separator: " AND ") + ")"
            case .or(let parts): parts.count == 1 ? parts[0].text : "(" + parts.map(\.text).joined(separator: " OR ") + ")"
            }
        }
    }

    /// A date-time literal, in UTC to the second and unquoted, as SOQL writes them
    /// (SOQL and SOSL Reference, "Date Formats and Date Literals": `2005-10-08T01:02:03Z`).
    public static func dateTimeLiteral(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// `SELECT fields FROM object [WHERE …] [ORDER BY …] [LIMIT n]`. Field and object names are
    /// the caller's constants (API names), never user input.
    public static func select(_ fields: [String], from object: String, where condition: Condition? = nil,
                              orderBy: String? = nil, limit: Int? = nil) -> SOQL {
        var text = "SELECT \(fields.joined(separator: ", ")) FROM \(object)"
        if let condition { text += " WHERE \(condition.text)" }
        if let orderBy { text += " ORDER BY \(orderBy)" }
        if let limit { text += " LIMIT \(limit)" }
        return SOQL(text: text)
    }
}

extension SalesforceClient {
    /// Runs a built query and answers every record.
    public func queryAll(_ soql: SOQL) async throws(SalesforceFailure) -> [SalesforceRecord] { try await queryAll(soql.text) }
}

import Foundation

/// A custom field's value once checked against its ``FieldDefinition``.
public enum FieldValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A calendar date, ISO 8601 `YYYY-MM-DD`.
    case date(String)
    case list([String])

    /// The value as a JSON-compatible Foundation object (for `JSONSerialization` and OpenAPI containers).
    public var jsonObject: any Sendable {
        switch self {
        case .text(let value), .date(let value): value
        case .number(let value): Self.wholeNumber(value).map { $0 as any Sendable } ?? value
        case .bool(let value): value
        case .list(let value): value
        }
    }

    /// A number that JSON carries as an integer: whole and below 10^15, where a `Double` is exact.
    public static func wholeNumber(_ value: Double) -> Int? {
        value.rounded() == value && abs(value) < 1e15 ? Int(value) : nil
    }

    /// The value as one line of text, for CSV export.
    public var text: String {
        switch self {
        case .text(let value), .date(let value): value
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): value ? "true" : "false"
        case .list(let value): value.joined(separator: ";")
        }
    }
}

extension FieldValue: Codable {
    /// Reads a JSON boolean, number, list of strings or string; a date comes back as `.text`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode([String].self) { self = .list(value) }
        else { self = .text(try container.decode(String.self)) }
    }

    /// Writes the value as JSON: text and dates as strings, lists as arrays of strings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value), .date(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }
}

import Foundation

/// A JSON value as Salesforce sends and receives it: records, describe results and request
/// bodies are dynamic, so the client speaks this rather than fixed structs where shapes vary.
public enum SalesforceValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SalesforceValue])
    case object([String: SalesforceValue])

    /// The text, when this is a string.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The number, when this is one.
    public var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    /// The flag, when this is a boolean.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The elements, when this is an array.
    public var arrayValue: [SalesforceValue]? { if case .array(let value) = self { value } else { nil } }
    /// The members, when this is an object.
    public var objectValue: [String: SalesforceValue]? { if case .object(let value) = self { value } else { nil } }
    /// Whether this is JSON `null`.
    public var isNull: Bool { self == .null }

    /// The member `key` of an object (`nil` for other values or a missing key).
    public subscript(key: String) -> SalesforceValue? { objectValue?[key] }
}

/// A Salesforce row: field API names to values, plus `attributes` on reads.
public typealias SalesforceRecord = [String: SalesforceValue]

extension SalesforceValue: Codable {
    /// Reads any JSON value; every number becomes a `Double`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([SalesforceValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: SalesforceValue].self)) }
    }

    /// Writes the value as JSON; whole numbers under 10^15 go out without a fraction.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers go out without a fraction ("42", not "42.0"), as Salesforce shows them.
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension SalesforceValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    /// A `.string` from a string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A `.bool` from `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A `.number` from an integer literal.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// `.null` from `nil`.
    public init(nilLiteral: ()) { self = .null }
}

/// JSON coding shared by the client.
enum SalesforceJSON {
    static func encode<T: Encodable>(_ value: T) throws(SalesforceFailure) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        do { return Array(try encoder.encode(value)) }
        catch { throw .invalidRequest("the request body could not be encoded: \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(SalesforceFailure) -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) }
        catch { throw .invalidResponse("\(what): the response is not the JSON Salesforce documents (\(error))") }
    }
}

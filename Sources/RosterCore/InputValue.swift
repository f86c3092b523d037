/// A value as it arrived, before it is checked against a field's type.
///
/// JSON input keeps its types; CSV input is all ``string``. The same coercion rules
/// serve both, so a CSV cell "12.5" and a JSON number 12.5 end up as the same number.
public enum InputValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([InputValue])
    case object([String: InputValue])

    /// Converts what a JSON decoder produced (`JSONSerialization` or an OpenAPI container).
    public init(json: Any?) {
        switch json {
        case nil: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .number(Double(value))
        case let value as Int64: self = .number(Double(value))
        case let value as Double: self = .number(value)
        case let value as String: self = .string(value)
        case let value as [Any?]: self = .array(value.map(InputValue.init(json:)))
        case let value as [String: Any?]: self = .object(value.mapValues(InputValue.init(json:)))
        default: self = .null
        }
    }

    /// A short name of the JSON kind, for error messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "text"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

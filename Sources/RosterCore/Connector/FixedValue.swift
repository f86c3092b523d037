/// A constant the connector writes on every record of an object it creates (and on records it
/// updates where the field is empty): `LeadSource`, `RecordTypeId`, a member's `Source__c`.
public enum FixedValue: Sendable, Hashable, Codable {
    case text(String)
    case number(Double)
    case flag(Bool)

    /// Reads a JSON boolean, number or string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else { self = .text(try container.decode(String.self)) }
    }

    /// Writes the JSON boolean, number or string the value holds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .flag(let flag): try container.encode(flag)
        }
    }

    /// A JSON value as the API received it (`String`, `Bool`, a number), or `nil` for anything else.
    public init?(json: Any) {
        switch json {
        case let text as String: self = .text(text)
        case let flag as Bool: self = .flag(flag)
        case let number as Double: self = .number(number)
        case let number as Int: self = .number(Double(number))
        default: return nil
        }
    }

    /// The value as JSON reads it back.
    public var jsonValue: any Sendable {
        switch self {
        case .text(let text): text
        case .number(let number): number
        case .flag(let flag): flag
        }
    }

    /// The value as text, as a picklist or text field holds it.
    public var text: String {
        switch self {
        case .text(let text): text
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .flag(let flag): flag ? "true" : "false"
        }
    }
}

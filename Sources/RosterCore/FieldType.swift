/// The type of a participant field (SPEC S2).
///
/// Built-in participant fields (name, email, …) have fixed types; custom fields declared in an
/// event's schema take one of these.
public enum FieldType: String, CaseIterable, Codable, Sendable {
    case text
    case multilineText
    case number
    case selectList
    case multiselectList
    case date
    case boolean
    case nullableBoolean
    case email
    case phone
    case url
    case file
    case picture
    case document

    /// Types whose values are free text, so `maxLength` applies.
    public var isTextual: Bool {
        switch self {
        case .text, .multilineText, .email, .phone, .url, .file, .picture, .document: true
        default: false
        }
    }

    /// Types whose values come from the field's `options`.
    public var hasOptions: Bool { self == .selectList || self == .multiselectList }
}

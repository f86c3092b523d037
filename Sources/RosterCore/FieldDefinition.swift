import Foundation

/// One custom field of an event's participant schema.
public struct FieldDefinition: Codable, Sendable, Hashable {
    /// Stable identifier used in participant values and Salesforce mappings.
    public var code: String
    /// What the back office shows.
    public var label: String
    /// The value type: it decides how input is coerced and whether `maxLength` or `options` apply.
    public var type: FieldType
    /// For textual types: the most characters a value may have.
    public var maxLength: Int?
    /// For list types: the allowed values, in display order.
    public var options: [String]?
    /// A participant must give a value.
    public var required: Bool

    /// Makes a definition, unchecked; ``problems(in:)`` checks a whole schema.
    public init(
        code: String, label: String, type: FieldType,
        maxLength: Int? = nil, options: [String]? = nil, required: Bool = false
    ) {
        self.code = code
        self.label = label
        self.type = type
        self.maxLength = maxLength
        self.options = options
        self.required = required
    }
}

extension FieldDefinition {
    /// Codes that would shadow a built-in participant property in CSV columns and mappings.
    public static let reservedCodes: Set<String> = [
        "id", "email", "firstname", "lastname", "company", "jobtitle", "isregistered",
        "hasattended", "checkedinat", "allownetworking", "salesforcesyncdate", "createdat", "updatedat",
    ]

    /// The largest `maxLength`: a Salesforce Long Text Area holds 131,072 characters.
    public static let longestText = 131_072

    /// Checks that a whole schema is coherent: well-formed, unique codes, options where needed.
    ///
    /// - Returns: every problem found, each naming the field by its code (empty when valid).
    public static func problems(in schema: [FieldDefinition]) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        var seen: Set<String> = []
        for (index, field) in schema.enumerated() {
            let name = field.code.isEmpty ? "fields[\(index)]" : field.code
            if !isValidCode(field.code) {
                issues.append(.init(field: name, message: "the code must be 1 to 64 letters, digits, '_' or '-', starting with a letter"))
            } else if reservedCodes.contains(field.code.lowercased()) {
                issues.append(.init(field: name, message: "'\(field.code)' is a built-in participant field; choose another code"))
            } else if !seen.insert(field.code.lowercased()).inserted {
                issues.append(.init(field: name, message: "the code '\(field.code)' is used by two fields"))
            }
            if field.label.isBlank {
                issues.append(.init(field: name, message: "the label must not be empty"))
            } else if field.label.unicodeScalars.count > 255 {
                issues.append(.init(field: name, message: "the label has more than 255 characters"))
            }
            for text in [field.label] + (field.options ?? []) {
                if let issue = ParticipantRules.controlCharacterIssue(text, field: name) {
                    issues.append(issue)
                    break
                }
            }
            if let maxLength = field.maxLength {
                if !field.type.isTextual {
                    issues.append(.init(field: name, message: "maxLength applies to text fields only, not to \(field.type.rawValue)"))
                } else if !(1...Self.longestText).contains(maxLength) {
                    issues.append(.init(field: name, message: "maxLength must be 1 to \(Self.longestText) (Salesforce's longest text area)"))
                }
            }
            if field.type.hasOptions {
                let options = field.options ?? []
                if options.isEmpty {
                    issues.append(.init(field: name, message: "a \(field.type.rawValue) needs a non-empty 'options' list"))
                } else if Set(options).count != options.count {
                    issues.append(.init(field: name, message: "'options' lists a value twice"))
                } else if field.type == .multiselectList, options.contains(where: { $0.contains(";") }) {
                    issues.append(.init(field: name, message: "multiselectList options may not contain ';' (Salesforce joins values with it)"))
                }
            } else if field.options != nil {
                issues.append(.init(field: name, message: "'options' applies to selectList and multiselectList only"))
            }
        }
        return issues
    }

    private static func isValidCode(_ code: String) -> Bool {
        guard let first = code.unicodeScalars.first, code.count <= 64,
              first.properties.isAlphabetic, first.isASCII else { return false }
        return code.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}

import Foundation

/// How an event's participants use one of its fields: how many hold a value, and the longest
/// text among those values (in characters).
public struct FieldUsage: Sendable, Hashable {
    /// Participants holding a value for the field.
    public var participants: Int
    /// The longest value held, in characters (0 for values that are not text).
    public var longest: Int

    /// Makes a usage.
    public init(participants: Int, longest: Int) {
        self.participants = participants
        self.longest = longest
    }
}

/// The participants an event already has refuse a change to its schema (answered 409): each
/// issue names the field and why.
public struct EventEditConflict: Error, Sendable, Equatable, CustomStringConvertible {
    /// The fields the change would break, by code.
    public var issues: [ValidationIssue]

    /// Makes a conflict.
    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    /// Every issue, joined.
    public var description: String { issues.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
}

extension Event {
    /// What stands against replacing `current`'s schema with `fields`, given how the participants
    /// use each field: a field in use is never removed nor retyped, loses no option, and gets no
    /// `maxLength` below the longest value it holds. Fields may be added, relabelled, reordered,
    /// given options and a `maxLength`, made required or not.
    public static func conflicts(replacing current: [FieldDefinition], with fields: [FieldDefinition], usage: [String: FieldUsage]) -> [ValidationIssue] {
        let next = Dictionary(fields.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var issues: [ValidationIssue] = []
        for field in current {
            let used = usage[field.code] ?? FieldUsage(participants: 0, longest: 0)
            guard used.participants > 0 else { continue }
            let held = used.participants == 1 ? "1 participant holds a value" : "\(used.participants) participants hold a value"
            guard let changed = next[field.code] else {
                issues.append(.init(field: field.code, message: "\(held) for this field; a field in use can't be removed"))
                continue
            }
            if changed.type != field.type {
                issues.append(.init(field: field.code, message: "\(held) for this field; its type (\(field.type.rawValue)) can't change once it is in use"))
            }
            let removed = (field.options ?? []).filter { !(changed.options ?? []).contains($0) }
            if !removed.isEmpty, changed.type == field.type {
                let names = removed.map { "'\($0)'" }.joined(separator: ", ")
                issues.append(.init(field: field.code, message: "\(held) for this field; options can be added, but \(names) can't be removed once it is in use"))
            }
            if let maxLength = changed.maxLength, maxLength < used.longest {
                issues.append(.init(field: field.code, message: "the longest value stored has \(used.longest) characters; set a maxLength of at least that"))
            }
        }
        return issues
    }
}

extension Event {
    /// What still names the fields a schema change removes: the connector's mappings (a removed
    /// field would leave a mapping that sends nothing) and the registration tools' field maps
    /// (`fields.<code>`). Each issue names the field and what to change first.
    public static func references(removing removed: Set<String>, mappings: ConnectorMappings,
                                  webhookMaps: [(name: String, fieldMap: [String: String])]) -> [ValidationIssue] {
        guard !removed.isEmpty else { return [] }
        // A schema's codes are unique in any case: a mapping spelled otherwise still names the field.
        let removedKeys = Set(removed.map { $0.lowercased() })
        var issues: [ValidationIssue] = []
        for (target, mapping) in mappings.all {
            for entry in mapping.entries where removedKeys.contains(entry.participantField.lowercased()) {
                issues.append(.init(field: entry.participantField,
                                    message: "the Salesforce \(target.objectName) mapping sends it to \(entry.salesforceField); remove that mapping first"))
            }
        }
        for (name, fieldMap) in webhookMaps {
            for key in fieldMap.keys.sorted() where key.hasPrefix("fields.") && removed.contains(String(key.dropFirst("fields.".count))) {
                issues.append(.init(field: String(key.dropFirst("fields.".count)),
                                    message: "the registration tool '\(name)' fills it; change its field map first"))
            }
        }
        return issues
    }
}

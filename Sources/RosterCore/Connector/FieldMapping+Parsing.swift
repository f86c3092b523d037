import Foundation

/// A mapping that cannot be read, naming where (S34). The API answers it with a 400.
public struct MappingSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key at fault: `mappings.lead`, `mappings.contact.shirt`…
    public var field: String
    /// What is wrong, and how to write it instead.
    public var message: String

    /// Makes an error from its key and message.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}

extension FieldMapping {
    /// Reads one object's mapping as the API receives it: a JSON object (already decoded,
    /// e.g. `{"shirt": "Tshirt_Size__c"}`), or JSON text typed into the editor (then a parse
    /// error gives its position). Each value is an API name or
    /// `{"field": "API_Name__c", "overwrite": "always" | "never" | "ifEmpty"}`.
    ///
    /// - Parameter path: the key to name in errors, e.g. `mappings.contact`.
    public static func parse(_ value: Any?, path: String) throws(MappingSyntaxError) -> FieldMapping {
        switch value {
        case nil, is NSNull:
            return FieldMapping()
        case let text as String:
            let trimmed = text.trimmed()
            guard !trimmed.isEmpty else { return FieldMapping() }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
            } catch {
                throw MappingSyntaxError(field: path, message: "this is not valid JSON: \(JSONTextPosition.describe(error, in: trimmed)); write it as {\"participantField\": \"Salesforce_API_Name__c\"}")
            }
            return try parse(object, path: path, pairs: JSONTextPosition.keyOrder(in: trimmed))
        default:
            return try parse(value as Any, path: path, pairs: nil)
        }
    }

    private static func parse(_ value: Any, path: String, pairs order: [String]?) throws(MappingSyntaxError) -> FieldMapping {
        guard let object = value as? [String: Any] else {
            throw MappingSyntaxError(field: path, message: "must be a JSON object of participant field codes to Salesforce API names, such as {\"shirt\": \"Tshirt_Size__c\"}")
        }
        // Keep the order the user wrote when we know it; otherwise sort, for stable output.
        let keys = order.map { order in order.filter { object[$0] != nil } + object.keys.filter { !order.contains($0) }.sorted() } ?? object.keys.sorted()
        var entries: [MappingEntry] = []
        var seen: Set<String> = []
        for key in keys where seen.insert(key).inserted {
            let at = "\(path).\(key)"
            guard !key.trimmed().isEmpty else { throw MappingSyntaxError(field: at, message: "a participant field code may not be empty") }
            switch object[key] {
            case let name as String:
                entries.append(MappingEntry(participantField: key, salesforceField: try apiName(name, at: at)))
            case let detail as [String: Any]:
                let unknown = Set(detail.keys).subtracting(["field", "overwrite"])
                if let extra = unknown.sorted().first {
                    throw MappingSyntaxError(field: "\(at).\(extra)", message: "unknown key; an entry takes \"field\" and \"overwrite\" only")
                }
                guard let name = detail["field"] as? String else {
                    throw MappingSyntaxError(field: "\(at).field", message: "must be the Salesforce API name as text, e.g. \"Tshirt_Size__c\"")
                }
                var policy = OverwritePolicy.always
                if let raw = detail["overwrite"] {
                    guard let text = raw as? String, let value = OverwritePolicy(rawValue: text) else {
                        throw MappingSyntaxError(field: "\(at).overwrite", message: "must be \"always\", \"never\" or \"ifEmpty\"")
                    }
                    policy = value
                }
                entries.append(MappingEntry(participantField: key, salesforceField: try apiName(name, at: "\(at).field"), overwrite: policy))
            default:
                throw MappingSyntaxError(field: at, message: "must be a Salesforce API name as text (e.g. \"Tshirt_Size__c\"), or {\"field\": \"…\", \"overwrite\": \"ifEmpty\"}; nested lists, numbers and booleans are not mappings")
            }
        }
        return FieldMapping(entries)
    }

    /// An API name: letters, digits and `_`, starting with a letter (`Tshirt_Size__c`, `ns__Field__c`).
    private static func apiName(_ name: String, at path: String) throws(MappingSyntaxError) -> String {
        let name = name.trimmed()
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }),
              name.count <= 80
        else {
            throw MappingSyntaxError(field: path, message: "'\(name)' is not a Salesforce API name (letters, digits and _, such as Tshirt_Size__c)")
        }
        return name
    }

    /// The mapping in the API's syntax: plain names where the policy is the default.
    public var jsonObject: [String: any Sendable] {
        var object: [String: any Sendable] = [:]
        for entry in entries {
            object[entry.participantField] = entry.overwrite == .always
                ? entry.salesforceField : ["field": entry.salesforceField, "overwrite": entry.overwrite.rawValue]
        }
        return object
    }
}

/// Where JSON text went wrong, in words a person can act on.
enum JSONTextPosition {
    /// "line 1, column 14 (unexpected character)" or Foundation's own message.
    static func describe(_ error: any Error, in text: String) -> String {
        let info = (error as NSError).userInfo
        if let debug = info["NSDebugDescription"] as? String, !debug.isEmpty { return debug }
        if let index = info["NSJSONSerializationErrorIndex"] as? Int { return position(of: index, in: text) }
        return "the text does not parse"
    }

    static func position(of offset: Int, in text: String) -> String {
        var line = 1
        var column = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return "line \(line), column \(column)"
    }

    /// The keys of a flat object in the order they are written (the decoded dictionary lost it).
    static func keyOrder(in text: String) -> [String] {
        var keys: [String] = []
        var depth = 0
        var expectingKey = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case "{": depth += 1; expectingKey = depth == 1
            case "}": depth -= 1
            case ",": if depth == 1 { expectingKey = true }
            case "\"":
                var end = text.index(after: index)
                var value = ""
                while end < text.endIndex, text[end] != "\"" {
                    if text[end] == "\\" { end = text.index(after: end); if end < text.endIndex { value.append(text[end]) } } else { value.append(text[end]) }
                    if end < text.endIndex { end = text.index(after: end) }
                }
                if expectingKey && depth == 1 { keys.append(value); expectingKey = false }
                index = end
            default: break
            }
            if index < text.endIndex { index = text.index(after: index) }
        }
        return keys
    }
}

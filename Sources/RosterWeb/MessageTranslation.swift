// Written by hand: the messages Roster sends (validation, the configuration check, imports)
// are built in English where the problem is found, with the values that explain it, and no
// package here translates a sentence by its shape. Each English sentence is a template of the
// French table (Strings/messages.fr.json); a message is matched against the templates and
// rewritten with the values it carried. Codes never change: clients act on them.
import Foundation

/// Turns a message Roster wrote in English into the user's language, keeping the values it
/// carries (a name, a count, a field). A message no template matches is returned as it is (a
/// Salesforce error, for instance, is Salesforce's words).
///
/// Templates name their values in braces: `{name}` is kept as written (and holds no `; `, which
/// joins problems), `{name:t}` is itself translated (and may hold anything), `{name:list}` is a
/// `, `-separated list translated item by item, `{name:or}` an `or`-separated one, `{name:n}` a
/// whole number, and `{name:id}` one of Roster's field names (`email`, `mappings.lead.size`;
/// never a Salesforce error code such as `REQUIRED_FIELD_MISSING`).
public struct MessageTranslation: Sendable {
    struct Template: @unchecked Sendable {
        let pattern: NSRegularExpression
        let names: [(name: String, kind: String)]
        let target: String
    }

    private let templates: [Language: [Template]]

    /// Loads `messages.<language>.json` (an array of `[English template, translation]`) for
    /// each language but English from `directory`.
    public static func load(from directory: URL) throws -> MessageTranslation {
        var templates: [Language: [Template]] = [:]
        for language in Language.allCases where language != .en {
            let url = directory.appendingPathComponent("messages.\(language.rawValue).json")
            let pairs = try JSONDecoder().decode([[String]].self, from: Data(contentsOf: url))
            templates[language] = try pairs.map { pair in
                guard pair.count == 2 else { throw BackOfficeError.resources("messages.\(language.rawValue).json: \(pair) is not [English, translation]") }
                return try Self.template(pair[0], pair[1], file: "messages.\(language.rawValue).json")
            }
        }
        return MessageTranslation(templates: templates)
    }

    /// The longest message translated. Roster's sentences are shorter; a longer one carries a
    /// long value (a pasted text, a path, Salesforce's words), and matching it against every
    /// template could cost time that grows with its length: it is left as written.
    public static let longestMessage = 300

    /// The message in `language`; English, a message no template matches, or one longer than
    /// ``longestMessage``, unchanged.
    public func translate(_ message: String, to language: Language) -> String {
        guard language != .en, let templates = templates[language], !message.isEmpty, message.count <= Self.longestMessage else { return message }
        if let translated = match(message, templates, language) { return translated }
        // Several problems joined ("email: …; name: …"): each is translated on its own.
        if message.contains("; ") {
            let parts = message.components(separatedBy: "; ")
            let translated = parts.map { match($0, templates, language) }
            if translated.contains(where: { $0 != nil }) {
                return zip(parts, translated).map { $1 ?? $0 }.joined(separator: " ; ")
            }
        }
        return message
    }

    private func match(_ message: String, _ templates: [Template], _ language: Language) -> String? {
        let range = NSRange(message.startIndex..., in: message)
        for template in templates {
            guard let found = template.pattern.firstMatch(in: message, range: range) else { continue }
            var result = template.target
            for (index, placeholder) in template.names.enumerated() {
                let value = Range(found.range(at: index + 1), in: message).map { String(message[$0]) } ?? ""
                let shown: String = switch placeholder.kind {
                case "t": translate(value, to: language)
                case "list": value.components(separatedBy: ", ").map { translate($0, to: language) }.joined(separator: ", ")
                case "or": value.components(separatedBy: " or ").joined(separator: Self.or[language] ?? " or ")
                default: value
                }
                result = result.replacingOccurrences(of: "{\(placeholder.name)}", with: shown)
            }
            return result
        }
        return nil
    }

    private static let or: [Language: String] = [.fr: " ou "]

    /// The template's pattern: its words as they are, each placeholder a group.
    static func template(_ english: String, _ target: String, file: String) throws -> Template {
        let placeholder = try NSRegularExpression(pattern: #"\{([A-Za-z0-9]+)(?::(t|list|or|id|n))?\}"#)
        var pattern = "^"
        var names: [(String, String)] = []
        var last = english.startIndex
        for found in placeholder.matches(in: english, range: NSRange(english.startIndex..., in: english)) {
            guard let whole = Range(found.range, in: english), let name = Range(found.range(at: 1), in: english) else { continue }
            pattern += NSRegularExpression.escapedPattern(for: String(english[last..<whole.lowerBound]))
            let kind = Range(found.range(at: 2), in: english).map { String(english[$0]) } ?? ""
            let group = switch kind {
            case "id": #"([a-z][A-Za-z0-9_.\[\]-]*)"#
            case "n": #"(-?[0-9]+)"#
            case "t": "(.*?)"
            default: #"((?:(?!; ).)*?)"#
            }
            pattern += group
            names.append((String(english[name]), kind))
            last = whole.upperBound
        }
        pattern += NSRegularExpression.escapedPattern(for: String(english[last...])) + "$"
        for (name, _) in names where !target.contains("{\(name)}") && !Self.mayDrop(name) {
            throw BackOfficeError.resources("\(file): the translation of \"\(english)\" drops {\(name)}")
        }
        return Template(pattern: try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]), names: names, target: target)
    }

    /// Values a translation may leave out: repeats of one already said.
    private static func mayDrop(_ name: String) -> Bool { name.hasSuffix("2") }
}

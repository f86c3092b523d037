import Foundation

/// The back office's languages (S65): English, and French, the seed's language.
public enum Language: String, Sendable, CaseIterable {
    case en, fr

    /// The language from the `roster_lang` cookie, else the browser's `Accept-Language`
    /// (first supported tag by quality), else English.
    public static func negotiate(cookie: String?, acceptLanguage: String?) -> Language {
        if let cookie, let language = Language(rawValue: cookie) { return language }
        guard let acceptLanguage else { return .en }
        let ranked = acceptLanguage.split(separator: ",").enumerated().compactMap { index, part -> (Language, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), let language = Language(rawValue: String(tag.prefix(2))) else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality, index)
        }
        return ranked.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.first?.0 ?? .en
    }
}

/// The words of every page, per language, from `Strings/<language>.json`. Pages read them as
/// `{{t.key}}`; scripts get the same table as JSON.
public struct Localization: Sendable {
    let tables: [Language: [String: String]]
    /// The messages Roster writes in English (validation, the check, imports), translated.
    public let messages: MessageTranslation
    /// Each table as the JSON data block pages hand their scripts, made once: `<` is escaped so
    /// it can't close the element.
    let scriptJSON: [Language: String]

    init(tables: [Language: [String: String]], messages: MessageTranslation) {
        self.tables = tables
        self.messages = messages
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        scriptJSON = tables.mapValues { table in
            ((try? encoder.encode(table)).map { String(decoding: $0, as: UTF8.self) } ?? "{}").replacingOccurrences(of: "<", with: "\\u003c")
        }
    }

    /// Loads the tables and checks that every language has every English key, so a missing
    /// translation fails at start, not in front of a user.
    public static func load(from directory: URL) throws -> Localization {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        let english = Set(tables[.en]?.keys ?? [:].keys)
        for language in Language.allCases {
            let missing = english.subtracting(tables[language]?.keys ?? [:].keys)
            guard missing.isEmpty else {
                throw BackOfficeError.resources("Strings/\(language.rawValue).json lacks \(missing.sorted().joined(separator: ", "))")
            }
        }
        return Localization(tables: tables, messages: try MessageTranslation.load(from: directory))
    }

    /// Every word of the language, by key.
    public func strings(_ language: Language) -> [String: String] { tables[language] ?? [:] }

    /// A message Roster wrote in English (a validation problem, a check finding, a sync
    /// error), in `language`.
    public func message(_ text: String, _ language: Language) -> String { messages.translate(text, to: language) }

    /// One string, with `{name}` placeholders filled.
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? tables[.en]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}

/// The back office's own failures at start.
public enum BackOfficeError: Error, CustomStringConvertible {
    case resources(String)

    /// Says which of the bundled resources is missing.
    public var description: String {
        switch self {
        case .resources(let message): "the back office's resources are incomplete: \(message)"
        }
    }
}

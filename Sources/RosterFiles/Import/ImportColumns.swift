import Foundation
import RosterCore

/// Which participant field each column of a table file fills, and the participant draft a row's
/// cells make.
///
/// A column is matched, in this order, by the `columns` the caller chose (header → field, `nil`
/// to skip it), by a custom field's code as written, then by a built-in field's name, an event
/// field's label or code, or a built-in alias in English or French (`E-mail`, `Prénom`,
/// `Nom de famille`, `Société`, `Présent`…), ignoring case, accents, spaces and punctuation.
/// Columns that match nothing are ignored and listed once; two columns for one field keep the
/// first. The columns a new participant needs (email, first and last name, required custom
/// fields) must be there: their absence is one error for the file, not one per row.
public struct ImportColumns: Sendable {
    /// One column of the file and the participant field it fills, if any.
    public struct Column: Sendable, Hashable {
        /// The header cell as written.
        public var header: String
        /// The field: a built-in name (`email`, `firstName`…) or a custom field's code; `nil` when ignored.
        public var field: String?
    }

    /// Every column of the file, in order.
    public let columns: [Column]
    /// The fields a new participant needs that no column fills, in order: the file can't be imported.
    public let missing: [String]
    /// The headers of the columns that fill nothing, in order (empty headers left out).
    public var ignored: [String] { columns.filter { $0.field == nil && !$0.header.isEmpty }.map(\.header) }
    private let builtIns: Set<String>

    /// The built-in participant fields, as imports and webhook maps name them.
    public static let builtInFields = ["email", "firstName", "lastName", "company", "jobTitle", "isRegistered", "hasAttended", "allowNetworking"]

    /// Matches a header against an event's fields.
    ///
    /// - Parameter chosen: header → field the caller chose (a built-in name, a custom code, or
    ///   `fields.<code>`); `nil` skips the column. Headers match exactly, else ignoring case.
    /// - Throws: ``ImportFileError/Kind/unknownTargets`` when `chosen` names a field the event
    ///   does not have. Needed fields no column fills are ``missing``, for ``requireAll()``.
    public init(header: [String], fields: [FieldDefinition], chosen: [String: String?] = [:]) throws(ImportFileError) {
        let names = Self.Names(fields: fields)
        // The caller's choices first, so a guess never takes a field a choice gives another column.
        var fieldOf: [Int: String] = [:]
        var chosenColumns: Set<Int> = []
        for (index, cell) in header.enumerated() {
            guard let choice = Self.choice(for: cell, in: chosen) else { continue }
            chosenColumns.insert(index)
            guard let wanted = choice else { continue }
            guard let known = names.field(named: wanted) else {
                throw ImportFileError(.unknownTargets, "the column '\(cell)' is set to '\(wanted)', which is not a participant field of this event; use one of: \(names.all.joined(separator: ", "))", field: "columns")
            }
            fieldOf[index] = known
        }
        var taken = Set<String>()
        for index in header.indices.filter(chosenColumns.contains) + header.indices.filter({ !chosenColumns.contains($0) }) {
            guard let field = chosenColumns.contains(index) ? fieldOf[index] : names.match(header[index]) else { continue }
            if taken.insert(field).inserted { fieldOf[index] = field } else { fieldOf[index] = nil }
        }
        let columns = header.enumerated().map { Column(header: $0.element, field: fieldOf[$0.offset]) }
        let needed = ["email", "firstName", "lastName"] + fields.filter(\.required).map(\.code)
        missing = needed.filter { !taken.contains($0) }
        self.columns = columns
        builtIns = Set(Self.builtInFields)
    }

    /// Checks that every field a new participant needs has its column.
    /// - Throws: ``ImportFileError/Kind/missingColumns(_:)`` naming each missing field.
    public func requireAll() throws(ImportFileError) {
        guard !missing.isEmpty else { return }
        let found = columns.map(\.header).filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", ")
        throw ImportFileError(.missingColumns(missing),
                              "the file has no column for \(missing.joined(separator: ", ")), which every new participant needs; found \(found.isEmpty ? "no headers" : found). Name the column so (e.g. 'Email', 'First name', 'Last name'), or choose it in the column mapping",
                              field: "columns")
    }

    /// The draft a row's cells make: each matched column's value under its field, blank cells
    /// left out; a cell the file marks unusable (an Excel error) is a reading issue of its field.
    public func draft(_ cells: [InputValue], problems: [Int: String] = [:]) -> ParticipantDraft {
        var record: [String: InputValue] = [:]
        var custom: [String: InputValue] = [:]
        var issues: [ValidationIssue] = []
        for (index, column) in columns.enumerated() {
            guard let field = column.field, index < cells.count else { continue }
            if let problem = problems[index] {
                issues.append(.init(field: field, message: problem))
                continue
            }
            let value = cells[index]
            if case .null = value { continue }
            if case .string(let text) = value, text.isBlank { continue }
            if builtIns.contains(field) { record[field] = value } else { custom[field] = value }
        }
        if !custom.isEmpty { record["fields"] = .object(custom) }
        var draft = ParticipantDraft(record: record)
        draft.readingIssues += issues
        return draft
    }

    /// An empty import file for an event, to fill in a spreadsheet: the header line naming the
    /// built-in columns, then each custom field by code, in the event's order.
    public static func template(fields: [FieldDefinition]) -> String {
        (builtInFields + fields.map(\.code)).map { column in
            column.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" }) ? "\"" + column.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : column
        }.joined(separator: ",") + "\r\n"
    }

    /// The caller's choice for a header: exact, else ignoring case; `.none` when it made none.
    private static func choice(for header: String, in chosen: [String: String?]) -> String??  {
        if let exact = chosen[header] { return .some(exact) }
        let lowered = header.lowercased()
        guard let match = chosen.first(where: { $0.key.trimmed().lowercased() == lowered }) else { return .none }
        return .some(match.value)
    }

    /// A header's letters and digits, lowercased and without accents: "Adresse e-mail" → "adresseemail".
    static func key(_ text: String) -> String {
        String(text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).unicodeScalars
            .filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The fields a column may fill, by every name that finds them.
    private struct Names {
        var exactCodes: [String: String] = [:]
        var byKey: [String: String] = [:]
        var all: [String]

        init(fields: [FieldDefinition]) {
            all = ImportColumns.builtInFields + fields.map(\.code)
            for field in fields { exactCodes[field.code] = field.code }
            // Weakest first: a later, stronger name overwrites a weaker one with the same key.
            for (field, aliases) in ImportColumns.aliases { for alias in aliases { byKey[ImportColumns.key(alias)] = field } }
            for field in fields { byKey[ImportColumns.key(field.code)] = field.code }
            for field in fields { byKey[ImportColumns.key(field.label)] = field.code }
            for name in ImportColumns.builtInFields { byKey[ImportColumns.key(name)] = name }
        }

        func match(_ header: String) -> String? {
            let trimmed = header.trimmed()
            if let code = exactCodes[trimmed] { return code }
            let key = ImportColumns.key(trimmed)
            return key.isEmpty ? nil : byKey[key]
        }

        /// A field the caller named: a built-in name or custom code (any case), or `fields.<code>`.
        func field(named name: String) -> String? {
            let bare = name.hasPrefix("fields.") ? String(name.dropFirst("fields.".count)) : name
            return all.first { $0 == bare } ?? all.first { $0.lowercased() == bare.lowercased() }
        }
    }
}

import Foundation

/// The checked content of a draft: what will be written. `nil` leaves a property as it is.
public struct ParticipantChanges: Sendable, Hashable {
    /// The new email, trimmed and checked.
    public var email: String?
    /// The new first name, trimmed and not blank.
    public var firstName: String?
    /// The new last name, trimmed and not blank.
    public var lastName: String?
    /// The new company, trimmed; empty clears it.
    public var company: String?
    /// The new job title, trimmed; empty clears it.
    public var jobTitle: String?
    /// The new registered flag.
    public var isRegistered: Bool?
    /// The new attended flag.
    public var hasAttended: Bool?
    /// The new networking consent.
    public var allowNetworking: Bool?
    /// Custom values by code; a `nil` value clears the field.
    public var fields: [String: FieldValue?]

    /// `existing` with these changes applied at `time`: its check-in time set to `time` when
    /// they check the person in, kept while they stay in, cleared when they undo it.
    public func applied(to existing: Participant, at time: Date) -> Participant {
        var result = applied(to: existing)
        if !result.hasAttended { result.checkedInAt = nil } else if !existing.hasAttended { result.checkedInAt = time }
        return result
    }

    /// The participant this would create, or `existing` with these changes applied.
    public func applied(to existing: Participant) -> Participant {
        var result = existing
        if let email { result.email = email }
        if let firstName { result.firstName = firstName }
        if let lastName { result.lastName = lastName }
        if let company { result.company = company }
        if let jobTitle { result.jobTitle = jobTitle }
        if let isRegistered { result.isRegistered = isRegistered }
        if let hasAttended { result.hasAttended = hasAttended }
        if let allowNetworking { result.allowNetworking = allowNetworking }
        for (code, value) in fields { result.fields[code] = value }
        return result
    }
}

/// The rules a participant's data must follow (S2): built-in lengths as Salesforce holds them,
/// custom values against the event's schema.
public enum ParticipantRules {
    /// Most characters each built-in text property may have: the length of the Salesforce field it
    /// syncs to, so a value Roster accepts never fails later for its length.
    nonisolated(unsafe) public static let maxLengths: [(name: String, keyPath: KeyPath<ParticipantChanges, String?>, max: Int)] = [
        ("email", \.email, 80), ("firstName", \.firstName, 40), ("lastName", \.lastName, 80),
        ("company", \.company, 255), ("jobTitle", \.jobTitle, 128),
    ]

    /// Checks a draft.
    ///
    /// - Parameters:
    ///   - isNew: the draft creates a participant, so email, first and last name are required.
    /// - Throws: every problem at once, each naming its field.
    public static func check(_ draft: ParticipantDraft, schema: [FieldDefinition], isNew: Bool) throws(ValidationFailure) -> ParticipantChanges {
        var issues = draft.readingIssues
        var changes = ParticipantChanges(fields: [:])

        let email = draft.email?.trimmed()
        if let email, !email.isEmpty {
            if EmailAddress.isPlausible(email) { changes.email = email }
            else { issues.append(.init(field: "email", message: "'\(email)' is not an email address")) }
        } else if isNew || draft.email != nil {
            issues.append(.init(field: "email", message: "an email is required"))
        }
        changes.firstName = required("firstName", draft.firstName, isNew, &issues)
        changes.lastName = required("lastName", draft.lastName, isNew, &issues)
        changes.company = draft.company?.trimmed()
        changes.jobTitle = draft.jobTitle?.trimmed()
        for rule in maxLengths {
            guard let value = changes[keyPath: rule.keyPath] else { continue }
            // Counted in Unicode code points, as JSON Schema's maxLength counts (an emoji with a skin
            // tone is two, an accented letter written with a combining accent too).
            if value.unicodeScalars.count > rule.max {
                issues.append(.init(field: rule.name, message: "\(value.unicodeScalars.count) characters is more than the \(rule.max) allowed"))
            }
            if value.unicodeScalars.contains(replacementCharacter) { issues.append(.init(field: rule.name, message: lostText)) }
            if let issue = controlCharacterIssue(value, field: rule.name) { issues.append(issue) }
        }
        changes.isRegistered = flag("isRegistered", draft.isRegistered, &issues)
        changes.hasAttended = flag("hasAttended", draft.hasAttended, &issues)
        changes.allowNetworking = flag("allowNetworking", draft.allowNetworking, &issues)

        let byCode = Dictionary(schema.map { ($0.code.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        for (code, raw) in draft.fields.sorted(by: { $0.key < $1.key }) {
            guard let field = byCode[code.lowercased()] else {
                let known = schema.map(\.code).joined(separator: ", ")
                issues.append(.init(field: code, message: "no such field in this event" + (known.isEmpty ? " (it has no custom fields)" : "; its fields are: \(known)")))
                continue
            }
            do { changes.fields[field.code] = .some(try field.coerce(raw)) }
            catch { issues.append(contentsOf: error.issues) }
        }
        if isNew {
            for field in schema where field.required && changes.fields[field.code] == nil && !issues.contains(where: { $0.field == field.code }) {
                issues.append(.init(field: field.code, message: "a value is required"))
            }
        }
        guard issues.isEmpty else { throw ValidationFailure(issues) }
        return changes
    }

    /// U+FFFD, which a program writes where it could not read a character: the text it stands for is lost.
    static let replacementCharacter: Unicode.Scalar = "\u{FFFD}"

    /// Why a value with ``replacementCharacter`` is refused: storing it would send the loss on to Salesforce.
    static let lostText = "contains the character \u{FFFD} (U+FFFD), which a program wrote where it could not read a letter: the text was damaged by a wrong character set before it reached Roster; correct it at its source"

    /// A control character (C0, DEL, C1): never part of a name, an email or a company, and
    /// invisible on screen, in Salesforce and in exports.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The rule for every text Roster stores (participants, events, their fields, the connector's
    /// names): no control character, but for line breaks and tabs in a text of several lines
    /// (`allowingLines`). The finding names the first one and where it is.
    public static func controlCharacterIssue(_ value: String, field: String, allowingLines: Bool = false) -> ValidationIssue? {
        let lineCharacters: Set<UInt32> = allowingLines ? [0x09, 0x0A, 0x0D] : []
        guard let control = value.unicodeScalars.first(where: { isControl($0) && !lineCharacters.contains($0.value) }) else { return nil }
        return ValidationIssue(field: field, message: "contains the control character U+\(String(format: "%04X", control.value)) at position \(position(of: control, in: value)); remove it (a copy from another program often brings one)")
    }

    private static func position(of scalar: Unicode.Scalar, in text: String) -> Int {
        (text.unicodeScalars.firstIndex(of: scalar).map { text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: $0) } ?? 0) + 1
    }

    private static func required(_ name: String, _ value: String?, _ isNew: Bool, _ issues: inout [ValidationIssue]) -> String? {
        let trimmed = value?.trimmed()
        if (isNew || value != nil), trimmed?.isEmpty ?? true {
            issues.append(.init(field: name, message: "a value is required"))
            return nil
        }
        return trimmed
    }

    private static func flag(_ name: String, _ raw: InputValue?, _ issues: inout [ValidationIssue]) -> Bool? {
        guard let raw else { return nil }
        do { return try FieldDefinition(code: name, label: name, type: .boolean).coerce(raw).flatMap { if case .bool(let b) = $0 { b } else { nil } } }
        catch { issues.append(contentsOf: error.issues); return nil }
    }
}

import Foundation
import RosterCore

/// A person's sync error as a reader needs it (issue 29): what happened and what to do, in the
/// page's language, from the Salesforce error code the stored text starts with; a duplicate's
/// matching records as links into the org; Salesforce's own words kept beside, unless they only
/// name the request's internals (`p0.id`, `@{…}`). A message that is Roster's own (no code) is
/// translated as every message is.
struct SyncErrorText {
    /// The sentence for the reader.
    var sentence: String
    /// Salesforce's words (code and message), shown small beside the sentence; empty when they
    /// would only confuse.
    var detail: String
    /// Records the error names (the matching records of a duplicate), each with a link when the
    /// org's address is known.
    var records: [(id: String, href: String?)]

    /// The codes with a sentence of their own (`sync_error_<CODE>` in the string tables).
    static let explained: Set<String> = [
        "DUPLICATES_DETECTED", "DUPLICATE_VALUE", "DUPLICATE_EXTERNAL_ID", "INSUFFICIENT_ACCESS_OR_READONLY",
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "REQUIRED_FIELD_MISSING", "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "FIELD_INTEGRITY_EXCEPTION", "INVALID_EMAIL_ADDRESS", "STRING_TOO_LONG", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_TYPE_ON_FIELD_IN_RECORD", "NUMBER_OUTSIDE_VALID_RANGE",
        "ENTITY_IS_DELETED", "ENTITY_IS_LOCKED", "INVALID_CROSS_REFERENCE_KEY", "MALFORMED_ID", "UNABLE_TO_LOCK_ROW",
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "CANNOT_EXECUTE_FLOW_TRIGGER", "PROCESSING_HALTED", "STORAGE_LIMIT_EXCEEDED",
        "REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE", "INVALID_SESSION_ID", "NOT_FOUND", "LIMIT_EXCEEDED",
    ]

    /// Explains `stored` (a participant's `salesforce.error`, a history line's error).
    /// - Parameter instanceUrl: the org's address, for links to the records the error names.
    static func explain(_ stored: String, language: Language, localization: Localization, instanceUrl: String?) -> SyncErrorText {
        guard let code = code(of: stored), explained.contains(code) else {
            return SyncErrorText(sentence: localization.message(stored, language), detail: "", records: [])
        }
        var sentence = localization.text("sync_error_\(code)", language)
        // What Roster added after Salesforce's words: the permission to give.
        if let hint = stored.range(of: " — ") {
            var said = localization.message(String(stored[hint.upperBound...]), language)
            if let first = said.first { said = first.uppercased() + said.dropFirst() }
            if let last = said.last, !".!?".contains(last) { said += "." }
            sentence += " " + said
        }
        let records = matchingRecords(in: stored).map { id in (id: id, href: instanceUrl.map { "\($0)/\(id)" }) }
        let salesforce = stored.range(of: " — ").map { String(stored[..<$0.lowerBound]) } ?? stored
        let internals = salesforce.contains("p0.") || salesforce.contains("@{") || salesforce.range(of: #"\bp[0-9]+\b"#, options: .regularExpression) != nil
        return SyncErrorText(sentence: sentence, detail: internals ? "" : salesforce, records: records)
    }

    /// The Salesforce error code a stored error starts with (`DUPLICATES_DETECTED: …`), if any.
    static func code(of stored: String) -> String? {
        guard let colon = stored.firstIndex(of: ":") else { return nil }
        let code = stored[..<colon]
        guard !code.isEmpty, code.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) else { return nil }
        return String(code)
    }

    /// The Ids a duplicate error lists (`(matching record 00Q…, 003…)`).
    static func matchingRecords(in stored: String) -> [String] {
        guard let start = stored.range(of: "(matching record ") else { return [] }
        let rest = stored[start.upperBound...]
        guard let end = rest.firstIndex(of: ")") else { return [] }
        return rest[..<end].components(separatedBy: ", ").filter { id in
            (id.count == 15 || id.count == 18) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    /// The page's values: `sentence`, `detail`, `records` (`id`, `href`).
    var context: [String: Any] {
        ["sentence": sentence, "detail": detail, "hasDetail": !detail.isEmpty,
         "records": records.map { record -> [String: Any] in ["id": record.id, "href": record.href ?? "", "linked": record.href != nil] },
         "hasRecords": !records.isEmpty]
    }
}

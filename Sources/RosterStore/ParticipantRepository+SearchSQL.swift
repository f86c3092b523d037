import RosterCore
import SQLKit

/// The SQL a participant list is read with: what a search matches and how a list is ordered.
extension ParticipantRepository {
    /// `column` starts with `prefix` (already lower-cased or folded, as the stored keys are).
    func startsWith(_ column: String, _ prefix: String) -> SQLQueryString {
        switch database.dialect {
        // A range on the stored key (SQLite compares UTF-8 bytes), so an index serves it.
        case .sqlite: "\(unsafeRaw: column) >= \(bind: prefix) AND \(unsafeRaw: column) < \(bind: prefix + "\u{10FFFF}")"
        case .postgres: "starts_with(\(unsafeRaw: column), \(bind: prefix))"
        }
    }

    /// `column` as a term SQLite will not look up in an index when `unindexed` (a unary `+`).
    func column(_ name: String, unindexed: Bool) -> String {
        unindexed && database.dialect == .sqlite ? "+" + name : name
    }

    /// One way a search can match a participant: `key` starts with `prefix`; for a full name,
    /// `key` then `other`, a space between, start with it.
    struct SearchAlternative: Equatable {
        let key: String
        var other: String? = nil
        let prefix: String
    }

    /// What a search matches the start of (the stored keys, migration 0019): the email key, and
    /// folded (``SearchKeys/fold(_:)``: "helene" finds Hélène) the first name, the last name and
    /// the company. A search with a space ("grace hop") matches full names instead, either way
    /// round ("hopper grace"), and companies; one starting with `@` matches the email's domain
    /// ("@corp" finds everyone at corp.com and corp.fr). Within ``SearchScope/namesAndCompany``,
    /// only the names and the company.
    static func alternatives(_ search: String, scope: SearchScope = .everything) -> [SearchAlternative] {
        let everything = scope == .everything
        if search.hasPrefix("@"), everything {
            return [SearchAlternative(key: "domain_key", prefix: String(search.dropFirst()))]
        }
        let folded = SearchKeys.fold(search)
        guard search.contains(" ") else {
            return (everything ? [SearchAlternative(key: "email_key", prefix: search)] : [])
                + ["first_key", "last_key", "company_key"].map { SearchAlternative(key: $0, prefix: folded) }
        }
        return [
            SearchAlternative(key: "first_key", other: "last_key", prefix: folded),
            SearchAlternative(key: "last_key", other: "first_key", prefix: folded),
            SearchAlternative(key: "company_key", prefix: folded),
        ]
    }

    /// The alternatives a page reads: those at `keys` (the ones that matched when the search was
    /// counted), or all of them. A cursor's keys are only a hint: any it cannot use means all.
    static func tested(_ search: String, scope: SearchScope, keys: [Int]?) -> [SearchAlternative] {
        let alternatives = alternatives(search, scope: scope)
        let known = keys?.filter(alternatives.indices.contains) ?? []
        return known.isEmpty ? alternatives : known.map { alternatives[$0] }
    }

    /// The index ranges that together match `alternative`; no participant is in two of them.
    /// A full name "first last" starts with "jean marc du" when the first name alone does
    /// ("jean marc dupont" as a first name), or the first name is the search up to one of its
    /// spaces and the last name starts with the rest ("jean" and "marc du…", "jean marc" and
    /// "du…"): each an equality and a range on an index of (name, other name), so a full name
    /// reads only its matches, never every Jean. `unindexed` keeps the terms off the indexes (a walk).
    func ranges(_ alternative: SearchAlternative, unindexed: Bool = false) -> [SQLQueryString] {
        let key = column(alternative.key, unindexed: unindexed)
        var ranges = [startsWith(key, alternative.prefix)]
        guard let other = alternative.other.map({ column($0, unindexed: unindexed) }) else { return ranges }
        let prefix = alternative.prefix
        for space in prefix.indices where prefix[space] == " " {
            ranges.append("\(unsafeRaw: key) = \(bind: String(prefix[..<space])) AND " + startsWith(other, String(prefix[prefix.index(after: space)...])))
        }
        return ranges
    }

    /// Any of `alternatives`, each range naming the event, so each is a range of one index and
    /// SQLite reads their union instead of the whole event.
    func searchSQL(eventId: String, _ alternatives: [SearchAlternative]) -> SQLQueryString {
        let arms = alternatives.flatMap { ranges($0) }.map { "(event_id = \(bind: eventId) AND " + $0 + ")" }
        return "(" + arms.joined(separator: " OR ") + ")"
    }

    /// The stored columns each order sorts by, the id last; an index on the event then these
    /// serves each (migrations 0019 and 0022, and the unique email index). A name's order
    /// breaks its ties on the other name.
    static func sortColumns(_ sort: ParticipantQuery.Sort) -> [String] {
        switch sort {
        case .created: ["id"]
        case .lastName: ["last_key", "first_key", "id"]
        case .firstName: ["first_key", "last_key", "id"]
        case .email: ["email_key", "id"]
        }
    }

    /// `ORDER BY`'s terms for `sort`.
    static func orderSQL(_ sort: ParticipantQuery.Sort, descending: Bool) -> String {
        sortColumns(sort).map { "\($0) \(descending ? "DESC" : "ASC")" }.joined(separator: ", ")
    }

    /// The participants after `after` in the list's order: the sort columns, compared as one row
    /// value (SQLite and PostgreSQL read it as a range of the order's index).
    func afterSQL(_ sort: ParticipantQuery.Sort, descending: Bool, _ after: PageCursor, unindexed: Bool) -> SQLQueryString {
        let op = descending ? "<" : ">"
        let columns = Self.sortColumns(sort).map { column($0, unindexed: unindexed) }
        let values: [SQLQueryString] = switch sort {
        case .created: ["\(bind: after.id)"]
        case .lastName, .firstName: ["\(bind: after.key)", "\(bind: after.other ?? "")", "\(bind: after.id)"]
        case .email: ["\(bind: after.key)", "\(bind: after.id)"]
        }
        guard columns.count > 1 else { return "\(unsafeRaw: columns[0]) \(unsafeRaw: op) " + values[0] }
        return "(\(unsafeRaw: columns.joined(separator: ", "))) \(unsafeRaw: op) (" + values.joined(separator: ", ") + ")"
    }
}

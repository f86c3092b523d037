import Foundation
import RosterCore
import SQLKit

/// One page of participants.
public struct ParticipantPage: Sendable {
    /// The page's participants, in the query's order.
    public var items: [Participant]
    /// How many participants match the filter, across all pages (counted on the first page).
    public var total: Int
    /// Where the next page starts, to pass back as `cursor`; `nil` on the last page.
    public var nextCursor: String?

    /// Makes a page.
    public init(items: [Participant], total: Int, nextCursor: String?) {
        self.items = items
        self.total = total
        self.nextCursor = nextCursor
    }
}

extension ParticipantRepository {
    /// A page of an event's participants, filtered and ordered by `query`, starting after
    /// `cursor`. Keyset paging on (sort key, id): a participant added while a client pages
    /// never makes another appear twice or be skipped. The total is counted on the first page
    /// and carried in the cursor.
    public func page(eventId: String, query: ParticipantQuery = .init(), limit: Int, cursor: String?) async throws -> ParticipantPage {
        let key = try await database.cursorKey.key(in: database)
        let after = try cursor.map { text throws(ParticipantQueryError) in try PageCursor.decode(text, for: query, key: key) }
        let filter = filterSQL(eventId: eventId, query: query)
        let count = if let after { ListCount(total: after.total, population: after.population, keys: after.keys) }
                    else { try await count(eventId: eventId, query: query, filter: filter) }
        let rows: [Participant]
        if after == nil, count.total == 0 {
            rows = []
        } else if let walked = try await walk(eventId: eventId, query: query, count: count, limit: limit, after: after), walked.count > limit {
            rows = walked
        } else {
            rows = try await ParticipantRow.read(sortedSQL(query: query, filter: filter, limit: limit, after: after), on: database)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map {
            PageCursor(key: query.key(of: $0), id: $0.id, total: count.total, population: count.population,
                       keys: count.keys, fingerprint: query.fingerprint).encoded(key: key)
        } : nil
        return ParticipantPage(items: items, total: count.total, nextCursor: next)
    }

    /// How many participants a list holds, and for a search, how many people it looks through.
    struct ListCount {
        var total: Int
        /// The event's participants when a search's count was taken, for its ``SearchPlan``.
        var population: Int?
        /// A search's alternatives (positions in ``searchKeys``) that matched when it was counted
        /// by alternative; `nil` when it was not (with the sync filter), meaning all of them. A
        /// search usually matches one field (`import7` only emails, `smi` only last names), and a
        /// walk that tests one field instead of three passes each participant in half the time.
        var keys: [Int]? = nil
    }

    /// How many participants match, across all pages (for the first page; later ones carry it).
    private func count(eventId: String, query: ParticipantQuery, filter: SQLQueryString) async throws -> ListCount {
        let narrowed = query.synced != nil || query.salesforceState != nil
        if let prefix = query.search {
            let row = try await database.reader.raw(searchCountSQL(eventId: eventId, prefix: prefix, scope: query.searchScope, narrowed: narrowed,
                                                                   filter: filter)).first()
            let keys = try !narrowed ? Self.alternatives(prefix, scope: query.searchScope).indices.filter { try (row?.decode(column: "a\($0)", as: Int?.self) ?? 0) > 0 } : nil
            return ListCount(total: try row?.decode(column: "n", as: Int.self) ?? 0,
                             population: try row?.decode(column: "population", as: Int?.self), keys: keys)
        }
        if query.salesforceState != nil {
            // A state depends on the connector's exclusions: counted on the rows, not kept.
            let row = try await database.reader.raw("SELECT COUNT(*) AS n FROM participants WHERE " + filter).first()
            return ListCount(total: try row?.decode(column: "n", as: Int.self) ?? 0)
        }
        // The kept counts: one row, not a pass over the event.
        let counts = try await ParticipantCounters.read(eventId: eventId, on: database.reader)
        let total = switch query.synced {
        case nil: counts.participants
        case true?: counts.synced
        case false?: counts.participants - counts.synced
        }
        return ListCount(total: total)
    }

    /// A search's count, and the event's kept count in the same statement. Without the sync
    /// filter, each alternative is first counted alone, from its index only (half the work of
    /// counting their union, which must set aside people found twice), as `a0`, `a1` and `a2`;
    /// only when two or more alternatives match does the union have to be counted.
    func searchCountSQL(eventId: String, prefix: String, scope: SearchScope = .everything, narrowed: Bool, filter: SQLQueryString) -> SQLQueryString {
        let population: SQLQueryString = "(SELECT participants FROM event_participant_counts WHERE event_id = \(bind: eventId)) AS population"
        let union: SQLQueryString = "SELECT COUNT(*) FROM participants WHERE " + filter
        guard !narrowed else { return "SELECT (" + union + ") AS n, " + population }
        let alternatives = Self.alternatives(prefix, scope: scope)
        let arms = alternatives.enumerated().map { index, alternative -> SQLQueryString in
            "(SELECT COUNT(*) FROM participants WHERE event_id = \(bind: eventId) AND " + matches(alternative) + ") AS a\(unsafeRaw: String(index))"
        }
        let names = alternatives.indices.map { "a\($0)" }
        let matching = names.map { "CASE WHEN \($0) > 0 THEN 1 ELSE 0 END" }.joined(separator: " + ")
        return "SELECT CASE WHEN \(unsafeRaw: matching) <= 1 THEN \(unsafeRaw: names.joined(separator: " + ")) ELSE (" + union + ") END AS n, "
            + population + ", \(unsafeRaw: names.joined(separator: ", ")) FROM (SELECT " + arms.joined(separator: ", ") + ") AS arms"
    }

    /// The page in the list's order: the rows after the cursor, sorted, `limit + 1` of them.
    func sortedSQL(query: ParticipantQuery, filter: SQLQueryString, limit: Int, after: PageCursor?) -> SQLQueryString {
        let key = Self.keySQL(query.sort)
        let direction = query.descending ? "DESC" : "ASC"
        let columns = ParticipantRow.columns.joined(separator: ", ")
        let order: SQLQueryString = query.sort == .created
            ? " ORDER BY id \(unsafeRaw: direction)"
            : " ORDER BY \(unsafeRaw: key) \(unsafeRaw: direction), id \(unsafeRaw: direction)"
        var sql: SQLQueryString = "SELECT \(unsafeRaw: query.search == nil ? columns : "id") FROM participants WHERE " + filter
        if let after {
            let op = query.descending ? "<" : ">"
            // A search's matches come from its keys' indexes; told `id > ?`, SQLite would rather
            // read every later id of the event for each key (90 ms on a 100,000-person event
            // instead of 1): `+id` keeps that term off the indexes.
            let id = query.search != nil && database.dialect == .sqlite ? "+id" : "id"
            sql += query.sort == .created
                ? " AND \(unsafeRaw: id) \(unsafeRaw: op) \(bind: after.id)"
                : " AND (\(unsafeRaw: key) \(unsafeRaw: op) \(bind: after.key) OR (\(unsafeRaw: key) = \(bind: after.key) AND id \(unsafeRaw: op) \(bind: after.id)))"
        }
        sql += order + " LIMIT \(literal: limit + 1)"
        guard query.search != nil else { return sql }
        // A search matches in several indexes, and its matches must be sorted before a page is
        // cut: sort only their ids, then read the page's rows.
        return "SELECT \(unsafeRaw: columns) FROM participants WHERE id IN (" + sql + ")" + order
    }

    /// A searched page found by walking the event in the list's order (ids, or a name then ids),
    /// when ``SearchPlan`` says so: the first `limit + 1` matches among the `window` participants
    /// after the cursor. Fewer than `limit + 1` means the window ran out (or the list did): sort
    /// instead.
    func walk(eventId: String, query: ParticipantQuery, count: ListCount, limit: Int, after: PageCursor?) async throws -> [Participant]? {
        guard let prefix = query.search, query.synced == nil, query.salesforceState == nil, let population = count.population,
              case .walk(let window) = SearchPlan.choose(matches: count.total, population: population, limit: limit)
        else { return nil }
        return try await ParticipantRow.read(walkSQL(eventId: eventId, prefix: prefix, scope: query.searchScope, sort: query.sort,
                                                     descending: query.descending, window: window, limit: limit, after: after, keys: count.keys),
                                             on: database)
    }

    /// The walk's statement: a window of `window` participants after the cursor in the list's
    /// order, its first `limit + 1` matches on the alternatives `keys` (all when `nil`), their
    /// rows. In creation order the window reads only the index `participants_event_id_keys`,
    /// which holds every key; in a name's order, the name's index, which holds the other name (a
    /// full name is tested without the table), and the table for the email and company.
    func walkSQL(eventId: String, prefix: String, scope: SearchScope = .everything, sort: ParticipantQuery.Sort = .created, descending: Bool,
                 window: Int, limit: Int, after: PageCursor?, keys: [Int]? = nil) -> SQLQueryString {
        let direction = descending ? "DESC" : "ASC"
        let op = descending ? "<" : ">"
        // A cursor's keys are only a hint: any it cannot use means testing them all.
        let alternatives = Self.alternatives(prefix, scope: scope)
        let known = keys?.filter(alternatives.indices.contains) ?? []
        let tested = known.isEmpty ? Array(alternatives.indices) : known
        // The window copies each value it passes: only the keys tested, and the order's key.
        let key = Self.keySQL(sort)
        let inOrder = sort == .created ? "id \(direction)" : "\(key) \(direction), id \(direction)"
        let keyColumns = tested.map { "\(alternatives[$0].whole) AS k\($0)" }.joined(separator: ", ")
        let sortColumn = sort == .created ? "" : ", \(key) AS s"
        var passed: SQLQueryString = "SELECT id\(unsafeRaw: sortColumn), \(unsafeRaw: keyColumns) FROM participants WHERE event_id = \(bind: eventId)"
        if let after {
            passed += sort == .created
                ? " AND id \(unsafeRaw: op) \(bind: after.id)"
                : " AND (\(unsafeRaw: key) \(unsafeRaw: op) \(bind: after.key) OR (\(unsafeRaw: key) = \(bind: after.key) AND id \(unsafeRaw: op) \(bind: after.id)))"
        }
        passed += " ORDER BY \(unsafeRaw: inOrder) LIMIT \(literal: window)"
        let matches = tested.map { "(" + startsWith("w.k\($0)", alternatives[$0].prefix) + ")" }
        // The window stays in the list's order, so the matches' LIMIT stops the walk at the page's end.
        let ids: SQLQueryString = "SELECT w.id FROM (" + passed + ") AS w WHERE (" + matches.joined(separator: " OR ")
            + ") ORDER BY \(unsafeRaw: sort == .created ? "w.id \(direction)" : "w.s \(direction), w.id \(direction)") LIMIT \(literal: limit + 1)"
        let columns = ParticipantRow.columns.joined(separator: ", ")
        return "SELECT \(unsafeRaw: columns) FROM participants WHERE id IN (" + ids + ") ORDER BY \(unsafeRaw: inOrder)"
    }

    /// `column` starts with `prefix` (already lower-cased or folded, as the stored keys are).
    private func startsWith(_ column: String, _ prefix: String) -> SQLQueryString {
        switch database.dialect {
        // A range on the stored key (SQLite compares UTF-8 bytes), so an index serves it.
        case .sqlite: "\(unsafeRaw: column) >= \(bind: prefix) AND \(unsafeRaw: column) < \(bind: prefix + "\u{10FFFF}")"
        case .postgres: "starts_with(\(unsafeRaw: column), \(bind: prefix))"
        }
    }

    /// One way a search can match a participant: `whole` starts with `prefix`. `key` is the
    /// second column of an index after the event; when `whole` is longer than it (a full name),
    /// the key must start with the prefix's first word, so the index narrows the match first.
    struct SearchAlternative: Equatable {
        let key: String
        let whole: String
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
            return [SearchAlternative(key: "domain_key", whole: "domain_key", prefix: String(search.dropFirst()))]
        }
        let folded = SearchKeys.fold(search)
        guard search.contains(" ") else {
            return (everything ? [SearchAlternative(key: "email_key", whole: "email_key", prefix: search)] : [])
                + ["first_key", "last_key", "company_key"].map { SearchAlternative(key: $0, whole: $0, prefix: folded) }
        }
        return [
            SearchAlternative(key: "first_key", whole: "first_key || ' ' || last_key", prefix: folded),
            SearchAlternative(key: "last_key", whole: "last_key || ' ' || first_key", prefix: folded),
            SearchAlternative(key: "company_key", whole: "company_key", prefix: folded),
        ]
    }

    /// A participant matches `alternative`.
    private func matches(_ alternative: SearchAlternative) -> SQLQueryString {
        guard alternative.whole != alternative.key else { return startsWith(alternative.key, alternative.prefix) }
        let firstWord = String(alternative.prefix.prefix { $0 != " " })
        return startsWith(alternative.key, firstWord) + " AND " + startsWith(alternative.whole, alternative.prefix)
    }

    /// The stored column each order sorts by; an index on (event, column, id) serves each
    /// (migration 0019, and the unique email index).
    static func keySQL(_ sort: ParticipantQuery.Sort) -> String {
        switch sort {
        case .created: "id"
        case .lastName: "last_key"
        case .firstName: "first_key"
        case .email: "email_key"
        }
    }

    /// The event, the sync filter and the search, as a predicate.
    func filterSQL(eventId: String, query: ParticipantQuery) -> SQLQueryString {
        var sql: SQLQueryString
        if let prefix = query.search {
            // Each alternative names the event, so each is a range of one index (event, key) and
            // SQLite reads the union of three ranges instead of the whole event.
            let arms: [SQLQueryString] = Self.alternatives(prefix, scope: query.searchScope).map { "(event_id = \(bind: eventId) AND " + matches($0) + ")" }
            sql = "(" + arms.joined(separator: " OR ") + ")"
        } else {
            sql = "event_id = \(bind: eventId)"
        }
        switch query.synced {
        case true?: sql += " AND sf_synced_at IS NOT NULL"
        case false?: sql += " AND sf_synced_at IS NULL"
        case nil: break
        }
        if let state = query.salesforceState { sql += " AND " + Self.stateSQL(state, exclusions: query.exclusions) }
        return sql
    }

    /// ``SalesforceSyncState``'s rule on the stored columns: an exclusion first (the email key,
    /// or its end for an `@domain` entry), then the last error, then the sync date against the
    /// last change.
    static func stateSQL(_ state: SalesforceSyncState, exclusions: [String]) -> SQLQueryString {
        let entries = exclusions.map(EmailAddress.normalized).filter { !$0.isEmpty }
        let rules: [SQLQueryString] = entries.map { entry in
            guard entry.hasPrefix("@") else { return "email_key = \(bind: entry)" }
            return "email_key LIKE \(bind: "%" + likeLiteral(entry)) ESCAPE '\\'"
        }
        let excluded: SQLQueryString = rules.isEmpty ? "(1 = 0)" : "(" + rules.joined(separator: " OR ") + ")"
        let rest: SQLQueryString
        switch state {
        case .excluded: return excluded
        case .error: rest = "sf_error IS NOT NULL"
        case .synced: rest = "sf_error IS NULL AND sf_synced_at IS NOT NULL AND updated_at <= sf_synced_at"
        case .pending: rest = "sf_error IS NULL AND sf_synced_at IS NOT NULL AND updated_at > sf_synced_at"
        case .notSynced: rest = "sf_error IS NULL AND sf_synced_at IS NULL"
        }
        return "NOT " + excluded + " AND (" + rest + ")"
    }

    /// How many of the event's participants are in each ``SalesforceSyncState``, in one pass.
    public func stateCounts(eventId: String, exclusions: [String]) async throws -> [SalesforceSyncState: Int] {
        let sums = SalesforceSyncState.allCases.map { state -> SQLQueryString in
            "SUM(CASE WHEN " + Self.stateSQL(state, exclusions: exclusions) + " THEN 1 ELSE 0 END) AS \(unsafeRaw: state.rawValue.lowercased())"
        }
        let row = try await database.reader.raw("SELECT " + sums.joined(separator: ", ") + " FROM participants WHERE event_id = \(bind: eventId)").first()
        var counts: [SalesforceSyncState: Int] = [:]
        for state in SalesforceSyncState.allCases { counts[state] = try row?.decode(column: state.rawValue.lowercased(), as: Int?.self) ?? 0 }
        return counts
    }

    /// Up to `limit` participants of the event created after the id `after`, in creation order:
    /// the building block of exports and forced syncs, so 100,000 people never sit in memory at
    /// once. Read on the read connections: an export never holds the writer's.
    public func batch(eventId: String, after: String?, limit: Int) async throws -> [Participant] {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: ParticipantRow.columns.joined(separator: ", ")) FROM participants WHERE event_id = \(bind: eventId)"
        if let after { sql += " AND id > \(bind: after)" }
        sql += " ORDER BY id LIMIT \(literal: limit)"
        return try await ParticipantRow.read(sql, on: database)
    }

    /// How many participants the event has.
    public func count(eventId: String) async throws -> Int {
        try await ParticipantCounters.read(eventId: eventId, on: database.reader).participants
    }
}

/// How far an event's sync has come.
public struct SyncCounts: Sendable, Hashable {
    /// All the event's participants.
    public var total: Int
    /// Never synced, or changed since their last sync.
    public var pending: Int
    /// With a campaign member Id.
    public var members: Int
}

/// An event's head counts, for its home page and the sync-cost estimate.
public struct EventCounts: Sendable, Hashable {
    /// All the event's participants.
    public var participants: Int
    /// Participants marked registered ("est inscrit").
    public var registered: Int
    /// Participants marked as having come ("est venu").
    public var attended: Int
    /// With a Salesforce sync date.
    public var synced: Int
    /// Never synced, or changed since their last sync.
    public var pending: Int
    /// With a campaign member Id.
    public var members: Int

    /// What the sync-cost estimate needs.
    public var sync: SyncCounts { SyncCounts(total: participants, pending: pending, members: members) }
}

extension ParticipantRepository {
    /// Every head count of the event, in one pass over it.
    public func counts(eventId: String) async throws -> EventCounts {
        let row = try await database.reader.raw("""
            SELECT COUNT(*) AS total,
                   SUM(CASE WHEN is_registered THEN 1 ELSE 0 END) AS registered,
                   SUM(CASE WHEN has_attended THEN 1 ELSE 0 END) AS attended,
                   SUM(CASE WHEN sf_synced_at IS NOT NULL THEN 1 ELSE 0 END) AS synced,
                   SUM(CASE WHEN sf_synced_at IS NULL OR updated_at > sf_synced_at THEN 1 ELSE 0 END) AS pending,
                   SUM(CASE WHEN sf_campaign_member_id IS NOT NULL THEN 1 ELSE 0 END) AS members
            FROM participants WHERE event_id = \(bind: eventId)
            """).first()
        func count(_ column: String) throws -> Int { try row?.decode(column: column, as: Int?.self) ?? 0 }
        return EventCounts(participants: try count("total"), registered: try count("registered"), attended: try count("attended"),
                           synced: try count("synced"), pending: try count("pending"), members: try count("members"))
    }

    /// Counts for the sync-cost estimate.
    public func syncCounts(eventId: String) async throws -> SyncCounts {
        try await counts(eventId: eventId).sync
    }
}

extension ParticipantRepository {
    /// The check-in desk's counts: the event's participants (kept) and how many are checked in
    /// (migration 0019's partial index holds only them, so the count never reads the others).
    public func deskCounts(eventId: String) async throws -> (participants: Int, checkedIn: Int) {
        let kept = try await ParticipantCounters.read(eventId: eventId, on: database.reader)
        let row = try await database.reader.raw("SELECT COUNT(*) AS n FROM participants WHERE event_id = \(bind: eventId) AND has_attended").first()
        return (kept.participants, try row?.decode(column: "n", as: Int.self) ?? 0)
    }
}

import Foundation
import RosterCore
import SQLKit

/// One page of participants.
public struct ParticipantPage: Sendable {
    /// The page's participants, in the query's order.
    public var items: [Participant]
    /// How many participants match the filter, across all pages (counted on the first page); a
    /// search that matches more than ``ParticipantQuery/searchCountCap`` says that many, and
    /// ``totalExact`` is false.
    public var total: Int
    /// False when ``total`` is a search's cap and more match.
    public var totalExact: Bool
    /// Where the next page starts, to pass back as `cursor`; `nil` on the last page.
    public var nextCursor: String?

    /// Makes a page.
    public init(items: [Participant], total: Int, totalExact: Bool = true, nextCursor: String?) {
        self.items = items
        self.total = total
        self.totalExact = totalExact
        self.nextCursor = nextCursor
    }
}

extension ParticipantRepository {
    /// A page of an event's participants, filtered and ordered by `query`, starting after
    /// `cursor`. Keyset paging on (sort keys, id): a participant added while a client pages
    /// never makes another appear twice or be skipped. The total is counted on the first page
    /// and carried in the cursor.
    public func page(eventId: String, query: ParticipantQuery = .init(), limit: Int, cursor: String?) async throws -> ParticipantPage {
        let key = try await database.cursorKey.key(in: database)
        let after = try cursor.map { text throws(ParticipantQueryError) in try PageCursor.decode(text, for: query, key: key) }
        let count = if let after { ListCount(total: after.total, exact: after.exact ?? true, population: after.population, keys: after.keys) }
                    else { try await count(eventId: eventId, query: query) }
        let rows: [Participant]
        if after == nil, count.total == 0 {
            rows = []
        } else if let walked = try await walk(eventId: eventId, query: query, count: count, limit: limit, after: after) {
            rows = walked
        } else {
            rows = try await ParticipantRow.read(sortedSQL(eventId: eventId, query: query, keys: count.keys, limit: limit, after: after), on: database)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map {
            PageCursor(key: query.key(of: $0), other: query.otherKey(of: $0), id: $0.id, total: count.total, exact: count.exact ? nil : false,
                       population: count.population, keys: count.keys, fingerprint: query.fingerprint).encoded(key: key)
        } : nil
        return ParticipantPage(items: items, total: count.total, totalExact: count.exact, nextCursor: next)
    }

    /// How many participants a list holds, and for a search, how many people it looks through.
    struct ListCount {
        var total: Int
        /// False when a search's count stopped at ``ParticipantQuery/searchCountCap``: more match.
        var exact = true
        /// The event's participants when a search's count was taken, for its ``SearchPlan``.
        var population: Int?
        /// A search's alternatives (positions in ``alternatives(_:scope:)``) that matched when it
        /// was counted by alternative; `nil` when it was not (with the sync filter), meaning all
        /// of them. A search usually matches one field (`import7` only emails, `smi` only last
        /// names): its pages then read that field's index alone.
        var keys: [Int]? = nil
    }

    /// How many participants match, across all pages (for the first page; later ones carry it).
    private func count(eventId: String, query: ParticipantQuery) async throws -> ListCount {
        let narrowed = query.synced != nil || query.salesforceState != nil
        if let prefix = query.search {
            let row = try await database.reader.raw(searchCountSQL(eventId: eventId, prefix: prefix, scope: query.searchScope, narrowed: narrowed,
                                                                   filter: filterSQL(eventId: eventId, query: query))).first()
            let keys = try !narrowed ? Self.alternatives(prefix, scope: query.searchScope).indices.filter { try (row?.decode(column: "a\($0)", as: Int?.self) ?? 0) > 0 } : nil
            let matches = try row?.decode(column: "n", as: Int.self) ?? 0
            let cap = ParticipantQuery.searchCountCap
            return ListCount(total: min(matches, cap), exact: matches <= cap,
                             population: try row?.decode(column: "population", as: Int?.self), keys: keys)
        }
        if query.salesforceState != nil {
            // A state depends on the connector's exclusions: counted on the rows, not kept.
            let row = try await database.reader.raw("SELECT COUNT(*) AS n FROM participants WHERE " + filterSQL(eventId: eventId, query: query)).first()
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
    /// filter, each alternative is first counted alone, as `a0`, `a1`…, each of its ranges
    /// (``ranges(_:unindexed:)``, which never match the same person) from its index only: half
    /// the work of counting their union, which must set aside people found twice. Only when two
    /// or more alternatives match does the union have to be counted. Each count stops one past
    /// ``ParticipantQuery/searchCountCap``, so what it costs never grows with the event: 10,000
    /// Hélène in a 100,000-person event are "more than 2,000".
    func searchCountSQL(eventId: String, prefix: String, scope: SearchScope = .everything, narrowed: Bool, filter: SQLQueryString) -> SQLQueryString {
        let population: SQLQueryString = "(SELECT participants FROM event_participant_counts WHERE event_id = \(bind: eventId)) AS population"
        let stop: SQLQueryString = " LIMIT \(literal: ParticipantQuery.searchCountCap + 1)) AS found)"
        let union: SQLQueryString = "(SELECT COUNT(*) FROM (SELECT 1 FROM participants WHERE " + filter + stop
        guard !narrowed else { return "SELECT " + union + " AS n, " + population }
        let alternatives = Self.alternatives(prefix, scope: scope)
        let arms = alternatives.enumerated().map { index, alternative -> SQLQueryString in
            let ranges = ranges(alternative).map { range -> SQLQueryString in
                "(SELECT COUNT(*) FROM (SELECT 1 FROM participants WHERE event_id = \(bind: eventId) AND " + range + stop
            }
            return "(" + ranges.joined(separator: " + ") + ") AS a\(unsafeRaw: String(index))"
        }
        let names = alternatives.indices.map { "a\($0)" }
        let matching = names.map { "CASE WHEN \($0) > 0 THEN 1 ELSE 0 END" }.joined(separator: " + ")
        return "SELECT CASE WHEN \(unsafeRaw: matching) <= 1 THEN \(unsafeRaw: names.joined(separator: " + ")) ELSE " + union + " END AS n, "
            + population + ", \(unsafeRaw: names.joined(separator: ", ")) FROM (SELECT " + arms.joined(separator: ", ") + ") AS arms"
    }

    /// The page in the list's order: the rows after the cursor, sorted, `limit + 1` of them. A
    /// search reads only the alternatives that matched when it was counted (`keys`, all when
    /// `nil`), and sorts only their ids before reading the page's rows.
    func sortedSQL(eventId: String, query: ParticipantQuery, keys: [Int]? = nil, limit: Int, after: PageCursor?) -> SQLQueryString {
        let order = Self.orderSQL(query.sort, descending: query.descending)
        let columns = ParticipantRow.columns.joined(separator: ", ")
        guard let prefix = query.search else {
            var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) FROM participants WHERE " + filterSQL(eventId: eventId, query: query)
            if let after { sql += " AND " + afterSQL(query.sort, descending: query.descending, after, unindexed: false) }
            return sql + " ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit + 1)"
        }
        // A search's matches come from its keys' indexes; told `id > ?`, SQLite would rather
        // read every later id of the event for each key (90 ms on a 100,000-person event
        // instead of 1): `+` keeps the cursor's terms off the indexes.
        let past: SQLQueryString = after.map { " AND " + afterSQL(query.sort, descending: query.descending, $0, unindexed: true) } ?? ""
        let narrowing = narrowingSQL(query)
        let tested = Self.tested(prefix, scope: query.searchScope, keys: keys)
        let ids: SQLQueryString
        if tested.count == 1 {
            // One alternative's ranges never hold the same person: each is read from its index
            // alone (the indexes hold the sort keys), and the matches are sorted once.
            let selected = Self.sortColumns(query.sort).joined(separator: ", ")
            let arms = ranges(tested[0]).map { range -> SQLQueryString in
                "SELECT \(unsafeRaw: selected) FROM participants WHERE event_id = \(bind: eventId) AND " + range + narrowing + past
            }
            ids = "SELECT id FROM (" + arms.joined(separator: " UNION ALL ") + ") AS found ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit + 1)"
        } else {
            ids = "SELECT id FROM participants WHERE " + searchSQL(eventId: eventId, tested) + narrowing + past
                + " ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit + 1)"
        }
        return "SELECT \(unsafeRaw: columns) FROM participants WHERE id IN (" + ids + ") ORDER BY \(unsafeRaw: order)"
    }

    /// A searched page found by walking the event in the list's order (ids, or names then ids),
    /// when ``SearchPlan`` says so: the first `limit + 1` matches after the cursor, fewer only
    /// at the list's end.
    func walk(eventId: String, query: ParticipantQuery, count: ListCount, limit: Int, after: PageCursor?) async throws -> [Participant]? {
        guard let prefix = query.search, query.synced == nil, query.salesforceState == nil, let population = count.population,
              SearchPlan.choose(matches: count.total, exact: count.exact, population: population, limit: limit) == .walk
        else { return nil }
        return try await ParticipantRow.read(walkSQL(eventId: eventId, prefix: prefix, scope: query.searchScope, sort: query.sort,
                                                     descending: query.descending, limit: limit, after: after, keys: count.keys),
                                             on: database)
    }

    /// The walk's statement: the event's participants after the cursor in the list's order, the
    /// first `limit + 1` that match one of the alternatives `keys` (all when `nil`), their rows.
    /// The database stops at the page's end. In creation order it reads only the index
    /// `participants_event_id_keys`, which holds every key; in a name's order, the name's index,
    /// which holds the other name (a full name is tested without the table), and the table for
    /// the email, company and domain.
    func walkSQL(eventId: String, prefix: String, scope: SearchScope = .everything, sort: ParticipantQuery.Sort = .created, descending: Bool,
                 limit: Int, after: PageCursor?, keys: [Int]? = nil) -> SQLQueryString {
        let tested = Self.tested(prefix, scope: scope, keys: keys)
        let order = Self.orderSQL(sort, descending: descending)
        var ids: SQLQueryString = "SELECT id FROM participants WHERE event_id = \(bind: eventId)"
        if let after { ids += " AND " + afterSQL(sort, descending: descending, after, unindexed: false) }
        // Told `first_key >= ?`, SQLite would read the matches from the key's own index and
        // sort them all: the tests are kept off the indexes, so it walks in order.
        let matches = tested.flatMap { ranges($0, unindexed: true) }.map { "(" + $0 + ")" }
        ids += " AND (" + matches.joined(separator: " OR ") + ") ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit + 1)"
        let columns = ParticipantRow.columns.joined(separator: ", ")
        return "SELECT \(unsafeRaw: columns) FROM participants WHERE id IN (" + ids + ") ORDER BY \(unsafeRaw: order)"
    }

    /// The sync filter and the state, as terms to add (`AND …`), or nothing.
    private func narrowingSQL(_ query: ParticipantQuery) -> SQLQueryString {
        var sql: SQLQueryString = ""
        switch query.synced {
        case true?: sql += " AND sf_synced_at IS NOT NULL"
        case false?: sql += " AND sf_synced_at IS NULL"
        case nil: break
        }
        if let state = query.salesforceState { sql += " AND " + Self.stateSQL(state, exclusions: query.exclusions) }
        return sql
    }

    /// The event, the sync filter and the search, as a predicate.
    func filterSQL(eventId: String, query: ParticipantQuery) -> SQLQueryString {
        let base: SQLQueryString = query.search.map { searchSQL(eventId: eventId, Self.alternatives($0, scope: query.searchScope)) }
            ?? "event_id = \(bind: eventId)"
        return base + narrowingSQL(query)
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

import Foundation
import SalesforceClient

/// What the connector screen and the check read from an org (the campaign by name, its
/// statuses, the other campaigns' names, the Lead assignment rules, the three describes), kept a
/// short while so a configuration session does not pay for the same answer at every blur,
/// dialog and check. One per connection: it lives beside the connection's client and goes with
/// it (a new login, a disconnection, a broken token). Empty answers are not kept, so a campaign
/// created in Salesforce meanwhile is found at the next look. The sync never reads through it.
actor ScreenReads {
    /// How long an answer is reused.
    static let lifetime: TimeInterval = 30

    private let now: @Sendable () -> Date
    private var queries: [String: (at: Date, records: [SalesforceRecord])] = [:]
    private var describedAt: Date?

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The query's records, from Salesforce or from an answer younger than ``lifetime``;
    /// `fresh` asks Salesforce whatever is kept (and keeps the new answer).
    func records(_ soql: SOQL, client: any SalesforceAPI, fresh: Bool = false) async throws -> [SalesforceRecord] {
        let key = soql.text
        if !fresh, let kept = queries[key], now().timeIntervalSince(kept.at) < Self.lifetime { return kept.records }
        let records = try await client.queryAll(soql)
        if records.isEmpty { queries[key] = nil } else { queries[key] = (now(), records) }
        return records
    }

    /// Whether the describes the client holds were read within ``lifetime``; when not, the
    /// caller reads them again and says so with ``described()``.
    func describesAreFresh() -> Bool {
        describedAt.map { now().timeIntervalSince($0) < Self.lifetime } ?? false
    }

    /// Notes that the describes were just read from Salesforce.
    func described() { describedAt = now() }

    /// Forgets every kept answer (after Roster changed the org itself, e.g. made a campaign).
    func forgetAll() {
        queries = [:]
        describedAt = nil
    }
}

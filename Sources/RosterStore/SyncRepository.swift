import Foundation
import RosterCore
import SQLKit

/// A forced sync of an event (S19), with its counters.
public struct SyncRun: Sendable, Hashable, Codable {
    /// Where a run stands: waiting, going, paused (see ``pausedReason``), or over either way.
    public enum State: String, Sendable, Hashable, Codable { case queued, running, paused, succeeded, failed, cancelled }

    /// The run's id, by which the API and the back office read its progress.
    public var id: String
    /// The event whose participants the run syncs.
    public var eventId: String
    /// Where the run stands; `queued`, `running` and `paused` runs are resumed after a restart.
    public var state: State
    /// Why the run paused or failed, in words; `nil` while it runs and once it succeeded.
    public var pausedReason: String?
    /// Whether the run only plans: nothing goes to Salesforce, and the plan is kept in the history.
    public var dryRun: Bool
    /// How many participants the event had when the run was queued.
    public var total: Int
    /// How many participants the run has gone through so far.
    public var processed = 0
    /// People for whom the run created a Contact or Lead (in a dry run, would create).
    public var created = 0
    /// People whose existing Contact or Lead the run updated.
    public var updated = 0
    /// People whose existing record was kept as it is while their campaign membership was written.
    public var linked = 0
    /// People for whom the run wrote nothing: already right in Salesforce, or skipped.
    public var unchanged = 0
    /// People the run could not sync; the first of them are in ``errors``.
    public var failed = 0
    /// Salesforce API calls the run has made, across pauses and resumptions.
    public var apiCalls = 0
    /// The last participant id done, so a run resumes where it stopped.
    public var cursor: String?
    /// Per-person errors, `participantId: message`, the first ones.
    public var errors: [SyncRunError] = []
    /// Records a collection of each object held when the org's automation refused more (only
    /// the objects that had to shrink).
    public var batchSizes: [String: Int] = [:]
    /// Who queued the run: an API token's name or a signed-in user's email; `nil` when Roster
    /// queued it itself or before this was kept.
    public var startedBy: String?
    /// When the run was queued.
    public var createdAt: Date
    /// When the run first started; kept when it resumes after a pause.
    public var startedAt: Date?
    /// When the run succeeded or failed; `nil` while it is queued, running or paused.
    public var finishedAt: Date?

    /// Makes a run with every counter at zero, queued unless `state` says otherwise.
    public init(id: String, eventId: String, state: State = .queued, dryRun: Bool, total: Int, createdAt: Date) {
        self.id = id
        self.eventId = eventId
        self.state = state
        self.dryRun = dryRun
        self.total = total
        self.createdAt = createdAt
    }
}

/// One person's failure in a run.
public struct SyncRunError: Sendable, Hashable, Codable {
    /// The participant who could not be synced.
    public var participantId: String
    /// Their email, so the list of errors reads without a lookup.
    public var email: String
    /// Why they could not be synced.
    public var message: String

    /// Makes the failure of one person.
    public init(participantId: String, email: String, message: String) {
        self.participantId = participantId
        self.email = email
        self.message = message
    }
}

/// One line of a participant's sync history.
public struct SyncHistoryEntry: Sendable, Hashable {
    /// When the operation was done (or, in a dry run, planned).
    public var at: Date
    /// The forced run that made the entry; `nil` for the live sync and for `unchanged` entries.
    public var runId: String?
    /// `create`, `update`, `link`, `member_create`, `member_update`, `skip`, `plan`…
    public var operation: String
    /// `Contact`, `Lead`, `CampaignMember`.
    public var object: String
    /// The Salesforce Id of the record concerned; `nil` when there is none (a planned or failed create).
    public var recordId: String?
    /// `succeeded`, `failed`, `planned`, `skipped`.
    public var outcome: String
    /// Why the operation failed, or for a plan why the person can't be synced; `nil` otherwise.
    public var error: String?

    /// Makes a history line.
    public init(at: Date, runId: String?, operation: String, object: String, recordId: String?, outcome: String, error: String?) {
        self.at = at
        self.runId = runId
        self.operation = operation
        self.object = object
        self.recordId = recordId
        self.outcome = outcome
        self.error = error
    }
}

/// What a sync learned of one participant, stored in one transaction with its history.
public struct ParticipantSyncResult: Sendable, Hashable {
    /// The participant the result is for.
    public var participantId: String
    /// Set on success (the `salesforceSyncDate`).
    public var syncedAt: Date?
    /// The Contact the person is matched to; `nil` leaves the stored Id as it is.
    public var contactId: String?
    /// The Lead the person is matched to; `nil` leaves the stored Id as it is.
    public var leadId: String?
    /// The person's CampaignMember; `nil` leaves the stored Id as it is.
    public var campaignMemberId: String?
    /// Why the person could not be synced; `nil` clears the stored error.
    public var error: String?
    /// Something worth knowing that did not stop the sync (several matches…); `nil` clears it.
    public var warning: String?
    /// The fingerprint of what was sent, kept on success.
    public var dataHash: String?
    /// Nothing was sent and nothing Roster keeps changed: neither the participant's row (its
    /// sync date stays that of the last write) nor the history is touched.
    public var leavesStateAlone = false
    /// The lines to add to the person's sync history.
    public var history: [SyncHistoryEntry]

    /// Makes a result; `dataHash` is usually set afterwards, from what was sent.
    public init(participantId: String, syncedAt: Date?, contactId: String?, leadId: String?, campaignMemberId: String?,
                error: String?, warning: String?, dataHash: String? = nil, history: [SyncHistoryEntry]) {
        self.dataHash = dataHash
        self.participantId = participantId
        self.syncedAt = syncedAt
        self.contactId = contactId
        self.leadId = leadId
        self.campaignMemberId = campaignMemberId
        self.error = error
        self.warning = warning
        self.history = history
    }
}

/// Runs, history, participants' Salesforce state and event leases; the outbox the live sync
/// consumes is ``outbox``.
public struct SyncRepository: Sendable {
    let database: RosterDatabase
    let now: @Sendable () -> Date
    /// The change log the live sync consumes.
    public let outbox: Outbox
    /// Whether the database answers: the sync workers report an outage there rather than log
    /// each failed attempt.
    public var availability: DatabaseAvailability { database.availability }

    /// Sync state in `database`; `now` times leases and stamps completed outbox changes.
    public init(database: RosterDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
        outbox = Outbox(database: database, now: now)
    }

    // MARK: Runs

    /// Stores a new run.
    public func create(_ run: SyncRun) async throws {
        try await database.writer.insert(into: "salesforce_sync_runs").columns(Self.runColumns).values(try Self.values(run)).run()
    }

    /// Writes the run's state, counters, cursor and errors over its stored row.
    public func save(_ run: SyncRun) async throws {
        try await save(run, on: database.writer)
    }

    /// A cancelled run stays cancelled: its worker's last saves still add what its batch did.
    func save(_ run: SyncRun, on db: any SQLDatabase) async throws {
        var run = run
        // A person erased while the run went on is not named in its errors again.
        if !run.errors.isEmpty {
            let erased = try await Self.erased(among: run.errors.map(\.participantId), on: db)
            run.errors.removeAll { erased.contains($0.participantId) }
        }
        let update = db.update("salesforce_sync_runs")
        for (column, value) in zip(Self.runColumns, try Self.values(run)) where column != "id" {
            if column == "state" || column == "finished_at" || column == "paused_reason" {
                update.set(SQLIdentifier(column), to: SQLQueryString("CASE WHEN state = 'cancelled' THEN \(ident: column) ELSE \(value) END"))
            } else {
                update.set(SQLIdentifier(column), to: value)
            }
        }
        try await update.where("id", .equal, run.id).run()
    }

    /// Cancels a run (issue 29): a queued or paused one at once; a running one is marked, and its
    /// worker stops at the next batch boundary (``SyncRun/State/cancelled`` is never overwritten).
    /// Answers the run as stored after, or `nil` when there is no such run of the event.
    public func cancel(runId: String, eventId: String, at: Date) async throws -> SyncRun? {
        let finished = [SyncRun.State.queued, .running, .paused].map(\.rawValue)
        try await database.writer.update("salesforce_sync_runs")
            .set("state", to: SyncRun.State.cancelled.rawValue).set("finished_at", to: StoreTime.millis(at))
            .where("id", .equal, runId).where("event_id", .equal, eventId).where("state", .in, finished).run()
        guard let run = try await run(id: runId), run.eventId == eventId else { return nil }
        return run
    }

    /// Queues a paused run again, for a worker to claim, unless it is no longer paused (another
    /// process resumed it meanwhile). Answers whether it did.
    public func requeue(_ run: SyncRun) async throws -> Bool {
        let rows = try await database.writer.update("salesforce_sync_runs").set("state", to: SyncRun.State.queued.rawValue)
            .where("id", .equal, run.id).where("state", .equal, SyncRun.State.paused.rawValue).returning("id").all()
        return !rows.isEmpty
    }

    /// The run with this id, or `nil` when there is none.
    public func run(id: String) async throws -> SyncRun? {
        try await database.reader.select().column("*").from("salesforce_sync_runs").where("id", .equal, id).first().map(Self.run(from:))
    }

    /// The event's runs, newest first.
    public func runs(eventId: String, limit: Int = 50) async throws -> [SyncRun] {
        try await database.reader.select().column("*").from("salesforce_sync_runs").where("event_id", .equal, eventId)
            .orderBy("created_at", .descending).orderBy("id", .descending).limit(limit).all().map(Self.run(from:))
    }

    /// Runs not finished (queued, running or paused), oldest first: what a restart resumes.
    public func unfinishedRuns() async throws -> [SyncRun] {
        try await database.reader.select().column("*").from("salesforce_sync_runs")
            .where("state", .in, [SyncRun.State.queued.rawValue, SyncRun.State.running.rawValue, SyncRun.State.paused.rawValue])
            .orderBy("created_at").all().map(Self.run(from:))
    }

    static let runColumns = ["id", "event_id", "state", "paused_reason", "dry_run", "total", "processed", "created", "updated", "linked",
                             "unchanged", "failed", "api_calls", "cursor", "errors_json", "created_at", "started_at", "finished_at",
                             "batch_sizes_json", "started_by"]

    static func values(_ run: SyncRun) throws -> [any SQLExpression] {
        [SQLBind(run.id), SQLBind(run.eventId), SQLBind(run.state.rawValue), SQLBind(run.pausedReason), SQLBind(run.dryRun),
         SQLBind(run.total), SQLBind(run.processed), SQLBind(run.created), SQLBind(run.updated), SQLBind(run.linked),
         SQLBind(run.unchanged), SQLBind(run.failed), SQLBind(run.apiCalls), SQLBind(run.cursor), SQLBind(try StoreJSON.encode(run.errors)),
         SQLBind(StoreTime.millis(run.createdAt)), SQLBind(run.startedAt.map(StoreTime.millis)), SQLBind(run.finishedAt.map(StoreTime.millis)),
         SQLBind(run.batchSizes.isEmpty ? nil : try StoreJSON.encode(run.batchSizes)), SQLBind(run.startedBy)]
    }

    static func run(from row: any SQLRow) throws -> SyncRun {
        var run = SyncRun(id: try row.decode(column: "id", as: String.self), eventId: try row.decode(column: "event_id", as: String.self),
                          state: SyncRun.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
                          dryRun: try row.decode(column: "dry_run", as: Bool.self), total: try row.decode(column: "total", as: Int.self),
                          createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self)))
        run.pausedReason = try row.decode(column: "paused_reason", as: String?.self)
        run.processed = try row.decode(column: "processed", as: Int.self)
        run.created = try row.decode(column: "created", as: Int.self)
        run.updated = try row.decode(column: "updated", as: Int.self)
        run.linked = try row.decode(column: "linked", as: Int.self)
        run.unchanged = try row.decode(column: "unchanged", as: Int.self)
        run.failed = try row.decode(column: "failed", as: Int.self)
        run.apiCalls = try row.decode(column: "api_calls", as: Int.self)
        run.cursor = try row.decode(column: "cursor", as: String?.self)
        run.errors = try StoreJSON.decode([SyncRunError].self, from: row.decode(column: "errors_json", as: String.self))
        run.startedAt = try row.decode(column: "started_at", as: Int64?.self).map(StoreTime.date)
        run.finishedAt = try row.decode(column: "finished_at", as: Int64?.self).map(StoreTime.date)
        if let sizes = try row.decode(column: "batch_sizes_json", as: String?.self) { run.batchSizes = try StoreJSON.decode([String: Int].self, from: sizes) }
        run.startedBy = try row.decode(column: "started_by", as: String?.self)
        return run
    }

    // MARK: Results

    /// Stores what a batch learned, with the run's progress, in one transaction: a person's
    /// Salesforce Ids and sync date never get ahead of, or behind, their history.
    ///
    /// With `holder`, only while `holder` still holds the event's lease: a forced run that stalled
    /// past its lease, and whose event (and run) another process took meanwhile, throws
    /// ``LeaseNotHeld`` here rather than write its old counts and cursor over the new holder's.
    public func record(_ results: [ParticipantSyncResult], eventId: String, run: SyncRun?, holder: String? = nil) async throws {
        let dialect = database.dialect
        try await database.transaction { db in
            if let holder {
                // On PostgreSQL the lease row stays locked until the commit: no one takes it in between.
                var held: SQLQueryString = "SELECT holder FROM salesforce_event_leases WHERE event_id = \(bind: eventId) AND holder = \(bind: holder)"
                if dialect == .postgres { held += " FOR UPDATE" }
                guard try await db.raw(held).first() != nil else { throw LeaseNotHeld(eventId: eventId) }
            }
            // A person erased while their batch was on its way: nothing of theirs is kept again.
            let erased = try await Self.erased(among: results.map(\.participantId), on: db)
            let results = erased.isEmpty ? results : results.filter { !erased.contains($0.participantId) }
            let firstSyncs = try await ParticipantCounters.firstSyncs(
                eventId: eventId, ids: results.filter { !$0.leavesStateAlone && $0.syncedAt != nil }.map(\.participantId), on: db)
            try await ParticipantCounters.synced(firstSyncs, eventId: eventId, on: db)
            for result in results where !result.leavesStateAlone {
                let update = db.update("participants").set("sf_error", to: result.error).set("sf_warning", to: result.warning)
                if let syncedAt = result.syncedAt { update.set("sf_synced_at", to: StoreTime.millis(syncedAt)).set("sf_hash", to: result.dataHash) }
                if let id = result.contactId { update.set("sf_contact_id", to: id) }
                if let id = result.leadId { update.set("sf_lead_id", to: id) }
                if let id = result.campaignMemberId { update.set("sf_campaign_member_id", to: id) }
                try await update.where("id", .equal, result.participantId).where("event_id", .equal, eventId).run()
            }
            let entries = results.filter { !$0.leavesStateAlone }.flatMap { result in result.history.map { (result.participantId, $0) } }
            if !entries.isEmpty {
                let insert = db.insert(into: "salesforce_sync_history")
                    .columns("event_id", "participant_id", "run_id", "at", "operation", "object", "record_id", "outcome", "error")
                for (participantId, entry) in entries {
                    insert.values(SQLBind(eventId), SQLBind(participantId), SQLBind(entry.runId), SQLBind(StoreTime.millis(entry.at)),
                                  SQLBind(entry.operation), SQLBind(entry.object), SQLBind(entry.recordId), SQLBind(entry.outcome), SQLBind(entry.error))
                }
                try await insert.run()
            }
            if let run { try await self.save(run, on: db) }
        }
    }

    /// The ids among `ids` of people erased on request (``ParticipantErasure``).
    static func erased(among ids: [String], on db: any SQLDatabase) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return Set(try await db.select().column("participant_id").from("participant_erasures").where("participant_id", .in, Array(Set(ids)))
            .all(decodingColumn: "participant_id", as: String.self))
    }

    /// A participant's history, newest first: what was sent for them (a dry run's plans are in its results only).
    public func history(participantId: String, limit: Int = 200) async throws -> [SyncHistoryEntry] {
        // What dry runs planned is their run's result, not the person's history.
        try await database.reader.select().column("*").from("salesforce_sync_history").where("participant_id", .equal, participantId)
            .where("outcome", .notEqual, "planned").orderBy("id", .descending).limit(limit).all().map(Self.entry(from:))
    }

    /// One page of what a run did for each person (or, for a dry run, planned), in order, with
    /// the person's email: the per-person result table of a forced sync.
    /// - Parameters:
    ///   - outcome: only the lines with this outcome (`succeeded`, `failed`, `planned`); all when `nil`.
    ///   - after: the ``RunResultsPage/nextAfter`` of the page before; from the start when `nil`.
    ///   - counting: whether to count the lines in all (``RunResultsPage/total``, 0 when not): a
    ///     reader going through every page (a download) counts nothing.
    public func results(runId: String, outcome: String? = nil, limit: Int = 500, after: Int64? = nil, counting: Bool = true) async throws -> RunResultsPage {
        var filter: SQLQueryString = "h.run_id = \(bind: runId)"
        if let outcome { filter += " AND h.outcome = \(bind: outcome)" }
        let total = counting ? try await database.reader.raw("SELECT COUNT(*) AS n FROM salesforce_sync_history h WHERE " + filter)
            .first(decodingColumn: "n", as: Int.self) ?? 0 : 0
        var page: SQLQueryString = "SELECT h.*, p.email FROM salesforce_sync_history h JOIN participants p ON p.id = h.participant_id WHERE " + filter
        if let after { page += " AND h.id > \(bind: after)" }
        page += " ORDER BY h.id LIMIT \(literal: limit + 1)"
        let rows = try await database.reader.raw(page).all()
        let lines = try rows.prefix(limit).map(Self.line(from:))
        return RunResultsPage(lines: lines, total: total, nextAfter: rows.count > limit ? lines.last?.id : nil)
    }

    /// The live sync's newest failures for the event (lines of no run), with each person's email,
    /// newest first: what the Sync history shows beside the runs' errors.
    public func liveFailures(eventId: String, limit: Int = 50) async throws -> [RunResultLine] {
        let rows = try await database.reader.raw("""
            SELECT h.*, p.email FROM salesforce_sync_history h JOIN participants p ON p.id = h.participant_id
            WHERE h.event_id = \(bind: eventId) AND h.outcome = 'failed' AND h.run_id IS NULL
            ORDER BY h.id DESC LIMIT \(literal: limit)
            """).all()
        return try rows.map(Self.line(from:))
    }

    /// A history line with its person's email (`h.*, p.email`).
    static func line(from row: any SQLRow) throws -> RunResultLine {
        RunResultLine(id: try row.decode(column: "id", as: Int64.self), participantId: try row.decode(column: "participant_id", as: String.self),
                      email: try row.decode(column: "email", as: String.self), entry: try entry(from: row))
    }

    static func entry(from row: any SQLRow) throws -> SyncHistoryEntry {
        SyncHistoryEntry(at: StoreTime.date(try row.decode(column: "at", as: Int64.self)),
                         runId: try row.decode(column: "run_id", as: String?.self),
                         operation: try row.decode(column: "operation", as: String.self),
                         object: try row.decode(column: "object", as: String.self),
                         recordId: try row.decode(column: "record_id", as: String?.self),
                         outcome: try row.decode(column: "outcome", as: String.self),
                         error: try row.decode(column: "error", as: String?.self))
    }
}

/// One line of a run's results: what was done (or planned) for one person.
public struct RunResultLine: Sendable, Hashable {
    /// The line's place in the history, for paging.
    public var id: Int64
    /// The person the line is about.
    public var participantId: String
    /// The person's email, to show.
    public var email: String
    /// What was done, to what, with what outcome.
    public var entry: SyncHistoryEntry
}

/// A page of a run's results.
public struct RunResultsPage: Sendable, Hashable {
    /// The lines, in the order they were done.
    public var lines: [RunResultLine]
    /// How many lines the run (with the outcome filter) has in all.
    public var total: Int
    /// Where the next page starts (`after`); `nil` on the last page.
    public var nextAfter: Int64?
}

import Clocks
import Foundation
import Logging
import RosterConnector
import RosterCore
import RosterMetrics
import RosterStore
import SalesforceClient
import Synchronization

/// Why a sync could not start or go on, in words that say the fix.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do about it.
    public var description: String
    /// Makes an error with this message.
    public init(_ description: String) { self.description = description }
}

/// Forced runs (S19) and live sync (S21) of events into their campaigns. Both go through
/// ``SyncBatch``; an event's campaign is written by one holder at a time (the event lease).
public final class SyncEngine: Sendable {
    /// Participants per batch: one Composite call of queries matches them all.
    public static let batchSize = SyncCostEstimate.emailsPerQuery
    /// How often a run executed directly looks again at an event another process holds.
    static let leaseRetry: Duration = .milliseconds(200)

    let connectors: ConnectorService
    let repository: SyncRepository
    let participants: ParticipantRepository
    let events: EventRepository
    let ids: any IDGenerator
    let now: @Sendable () -> Date
    /// What the sync's waits are measured on: the live sync's pace and back-offs, the paused-run
    /// retry, the wait for an event's lease. `ContinuousClock` in production; tests step a
    /// `TestClock` instead of waiting.
    let clock: AnyClock<Duration>
    let logger: Logger
    /// This process's name in event leases.
    let holder: String
    /// How long an event's lease lasts without renewal (renewed at each batch): a process that
    /// died gives its events up after at most this.
    let leaseSeconds: Double
    let gate = EventGate()
    /// Per event, the collection sizes the org's automation needed (see ``BatchSizes``).
    let keptSizes = Mutex<[String: [String: Int]]>([:])
    /// When a sync over the API budget may read the org's usage again.
    let usageRecheck: UsageRecheck
    /// The Salesforce org a round talks to, for the event's connection as the round read it.
    let salesforce: Salesforce

    /// Where a round's org comes from: the connector's kept client (``ConnectorService/client(eventId:connection:)``)
    /// in production; an org in memory in the engine's tests.
    public typealias Salesforce = @Sendable (_ eventId: String, _ connection: SalesforceConnection) async throws -> any SalesforceAPI

    /// Makes the engine; `holder` names this process in event leases, and by default is unique to
    /// the process (pid and a random suffix). A sync stopped by the API budget reads the org's
    /// usage again at most every `usageRecheck` per event (the paused-run retry interval).
    /// `salesforce` gives a round its org; by default the connector's client. `clock` measures the
    /// sync's waits (``clock``).
    public init(connectors: ConnectorService, repository: SyncRepository, participants: ParticipantRepository, events: EventRepository,
                ids: any IDGenerator, now: @escaping @Sendable () -> Date, clock: AnyClock<Duration> = AnyClock(ContinuousClock()),
                logger: Logger, leaseSeconds: Double = 120,
                usageRecheck: Duration = .seconds(60),
                holder: String = "roster-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
                salesforce: Salesforce? = nil) {
        self.salesforce = salesforce ?? { try await connectors.client(eventId: $0, connection: $1) }
        self.leaseSeconds = leaseSeconds
        self.usageRecheck = UsageRecheck(interval: usageRecheck)
        self.connectors = connectors
        self.repository = repository
        self.participants = participants
        self.events = events
        self.ids = ids
        self.now = now
        self.clock = clock
        self.logger = logger
        self.holder = holder
    }

    // MARK: Forced runs

    /// Queues a forced sync of every participant of the event.
    public func queueRun(eventId: String, dryRun: Bool, startedBy: String? = nil) async throws -> SyncRun {
        let total = try await participants.count(eventId: eventId)
        var run = SyncRun(id: ids.next(), eventId: eventId, dryRun: dryRun, total: total, createdAt: now())
        run.startedBy = startedBy
        try await repository.create(run)
        return run
    }

    /// Carries out a run from its cursor to the end, saving progress after each batch, so a
    /// crash resumes where it stopped. Pauses (never fails) when the API budget is spent. When
    /// `stop` says so (a graceful shutdown), the run ends its current batch, keeps its cursor,
    /// goes back to queued and gives its event up, for another process to take at once. When its
    /// lease ran out meanwhile and another process took the event (and with it the run), it writes
    /// nothing more and answers the run as stored.
    @discardableResult
    public func execute(_ run: SyncRun, until stop: @escaping @Sendable () -> Bool = { false },
                        progress: @Sendable (SyncRun) async -> Void = { _ in }) async throws -> SyncRun {
        try await exclusively(run.eventId) { try await self.executeExclusively(run, stop: stop, progress: progress) }
    }

    /// Runs `body` while no other work of this process writes the event.
    func exclusively<T: Sendable>(_ eventId: String, _ body: () async throws -> T) async throws -> T {
        await gate.enter(eventId)
        do {
            let result = try await body()
            await gate.leave(eventId)
            return result
        } catch {
            await gate.leave(eventId)
            throw error
        }
    }

    private func executeExclusively(_ run: SyncRun, stop: @Sendable () -> Bool, progress: @Sendable (SyncRun) async -> Void) async throws -> SyncRun {
        guard let event = try await events.find(id: run.eventId) else { throw SyncError("no event with id \(run.eventId)") }
        // A run claimed by the sync service holds its lease already (``SyncRepository/claimRun(holder:seconds:excluding:)``):
        // this renews it. A run executed directly waits for whoever holds the event.
        while !(try await repository.acquireLease(eventId: event.id, holder: holder, seconds: leaseSeconds)) {
            try await clock.sleep(for: Self.leaseRetry)
        }
        // The run as stored now: it may have been queued twice (a paused run is offered again by
        // the minute's retry, a new login and a restart) or finished by another process meanwhile.
        let stored = try await repository.run(id: run.id) ?? run
        guard stored.state != .succeeded, stored.state != .failed, stored.state != .cancelled else {
            try? await repository.releaseLease(eventId: event.id, holder: holder)
            return stored
        }
        var run = stored
        run.state = .running
        run.pausedReason = nil
        run.startedAt = run.startedAt ?? now()
        try await repository.save(run)
        await progress(run)
        do {
            let batch = try await prepare(event: event, connector: try await connectors.view(eventId: event.id), runId: run.id)
            let apiBefore = run.apiCalls
            var stopped = false
            var cancelled = false
            while true {
                if stop() {
                    stopped = true
                    break
                }
                // Cancelled from a screen (any process): stop at this boundary.
                if try await repository.run(id: run.id)?.state == .cancelled {
                    cancelled = true
                    break
                }
                let people = try await participants.batch(eventId: event.id, after: run.cursor, limit: Self.batchSize)
                guard let last = people.last else { break }
                // Renewed at each batch. Lost, it was taken by another process after it ran out
                // (this one stalled longer than a lease lasts), and with it this run: nothing more is written here.
                // (``SyncRepository/record(_:eventId:run:holder:)`` checks again, for a batch that outlasted it.)
                guard try await repository.acquireLease(eventId: event.id, holder: holder, seconds: leaseSeconds) else { throw LeaseNotHeld(eventId: event.id) }
                let callsBefore = batch.calls.value
                let (results, tally) = try await batch.sync(people, dryRun: run.dryRun)
                if !run.dryRun { await Self.recordMetrics(results, calls: batch.calls.value - callsBefore, client: batch.client) }
                run.add(tally, people: people.count)
                run.batchSizes.merge(batch.sizes.shrunk) { min($0, $1) }
                keep(batch.sizes, eventId: event.id)
                run.cursor = last.id
                run.apiCalls = apiBefore + batch.calls.value
                if run.dryRun {
                    try await repository.record(results.map { var r = $0; r.syncedAt = nil; return r }.map(Self.historyOnly), eventId: event.id, run: run,
                                                holder: holder)
                } else {
                    // A batch that outlasted the lease (long back-offs) finds it gone here.
                    try await repository.record(results, eventId: event.id, run: run, holder: holder)
                }
                await progress(run)
            }
            if cancelled {
                run.state = .cancelled
                run.finishedAt = now()
                logger.notice("sync cancelled at a batch boundary", metadata: ["run": "\(run.id)", "processed": "\(run.processed)"])
            } else if stopped {
                run.state = .queued
                logger.notice("sync stopped at a batch boundary; another worker goes on from there", metadata: ["run": "\(run.id)", "cursor": "\(run.cursor ?? "")"])
            } else {
                run.state = .succeeded
                run.finishedAt = now()
                if !run.dryRun { await connectors.health.resumed(eventId: event.id) }
            }
        } catch is LeaseNotHeld {
            logger.warning("this process's lease on the event ran out and another holds it now; this process writes nothing more of the run, which a worker takes up",
                           metadata: ["run": "\(run.id)", "cursor": "\(run.cursor ?? "")"])
            return try await repository.run(id: run.id) ?? run
        } catch let exhausted as BudgetExhausted {
            run.state = .paused
            run.pausedReason = exhausted.description
            logger.notice("sync paused", metadata: ["run": "\(run.id)", "reason": "\(exhausted)"])
        } catch {
            if let reason = Self.waitReason(error) {
                // A limit or a lost connection passes: the run waits where it stopped, and the sync
                // service tries it again (paused runs every minute), never starting over.
                run.state = .paused
                run.pausedReason = reason
                logger.notice("sync paused", metadata: ["run": "\(run.id)", "reason": "\(reason)"])
            } else {
                run.state = .failed
                run.pausedReason = "\(error)"
                run.finishedAt = now()
                logger.error("sync failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
            }
        }
        try await repository.save(run)
        // As stored: a run cancelled during its last batch stays cancelled.
        if let stored = try? await repository.run(id: run.id) { run = stored }
        try? await repository.releaseLease(eventId: event.id, holder: holder)
        await progress(run)
        return run
    }

    /// Why a run should wait rather than fail, or `nil` when the error is a real failure:
    /// Salesforce's request limits (the daily allocation frees up as the rolling 24 hours move,
    /// the concurrent-request limit as other requests end), a broken or missing connection (it
    /// comes back with a new login), Salesforce out of reach or answering a transient error (503,
    /// 500, a row lock) after the client's retries, a write whose answer was lost.
    static func waitReason(_ error: any Error) -> String? {
        let failure: SalesforceFailure? = switch error {
        case let failure as SalesforceFailure: failure
        case ConnectorError.salesforce(let failure): failure
        case ConnectorError.notConnected(let message): .connectionBroken(message)
        default: nil
        }
        switch failure {
        case .api(_, let errors)? where failure?.isRequestLimitExceeded == true:
            return "Salesforce's request limit is reached (\(errors.first?.message ?? "REQUEST_LIMIT_EXCEEDED")); the sync resumes by itself once it allows"
        case .connectionBroken(let reason)?:
            return "\(reason); the sync resumes by itself once Roster is connected to Salesforce again"
        case .unreachable(let what)?:
            return "Salesforce could not be reached (\(what)); the sync tries again in a minute"
        case .outcomeUnknown(let what)?:
            return "the answer to a Salesforce write was lost again and again (\(what)); the sync matches those people again and goes on in a minute"
        case .api(let status, let errors)? where RetryPolicy.isRetryable(status: status, errors: errors):
            return "Salesforce kept answering \(errors.first?.errorCode ?? "HTTP \(status)") after several tries; the sync tries again in a minute"
        default:
            return nil
        }
    }

    /// A dry run leaves the participants' Salesforce state as it is; only the plan is kept.
    static func historyOnly(_ result: ParticipantSyncResult) -> ParticipantSyncResult {
        ParticipantSyncResult(participantId: result.participantId, syncedAt: nil, contactId: nil, leadId: nil, campaignMemberId: nil,
                              error: nil, warning: nil, history: result.history)
    }

    // MARK: Live sync

    /// Syncs the event's pending changes, if its connector is on and connected; answers how many
    /// participants were synced, or `nil` when another process holds the event.
    ///
    /// - Throws: ``LiveSyncWaiting`` while the connector is on but not connected (disconnected or
    ///   broken) and the event has been synced before: the changes stay pending, and are sent once
    ///   it is connected again. Before an event's first sync its changes are left to the forced
    ///   sync that brings everyone in (S19), as they are while the connector is switched off.
    ///
    /// The connector is read (no secret opened) before the round waits for the event, which saves
    /// a lease's writes when it is off or waiting, and again once the event is held: what a round
    /// sends follows the connector as it is then (switched off, an exclusion added, a new
    /// connection made by another process), however long the wait was.
    public func syncPendingChanges(eventId: String) async throws -> Int? {
        try await checkConnectionFor(eventId: eventId, try await connectors.view(eventId: eventId))
        do {
            let count = try await exclusively(eventId) { try await self.syncPendingChangesExclusively(eventId: eventId) }
            if count != nil { await connectors.health.resumed(eventId: eventId) }
            return count
        } catch {
            // The budget or the daily request limit holds the changes: every page says so.
            if let reason = Self.budgetReason(error) { await connectors.health.paused(eventId: eventId, reason: reason) }
            throw error
        }
    }

    /// Why the API budget or Salesforce's daily request limit holds the sync, or `nil` for
    /// another error.
    static func budgetReason(_ error: any Error) -> String? {
        if let exhausted = error as? BudgetExhausted { return exhausted.description }
        let failure: SalesforceFailure? = switch error {
        case let failure as SalesforceFailure: failure
        case ConnectorError.salesforce(let failure): failure
        default: nil
        }
        guard let failure, failure.isRequestLimitExceeded else { return nil }
        return waitReason(failure)
    }

    private func checkConnectionFor(eventId: String, _ view: ConnectorSummary) async throws {
        if view.settings.enabled, view.connection.state != .connected, try await events.hasSynced(eventId: eventId) {
            throw LiveSyncWaiting(state: view.connection.state)
        }
    }

    private func syncPendingChangesExclusively(eventId: String) async throws -> Int? {
        guard try await repository.acquireLease(eventId: eventId, holder: holder, seconds: leaseSeconds) else { return nil }
        do {
            let count = try await syncLeased(eventId: eventId)
            try await repository.releaseLease(eventId: eventId, holder: holder)
            return count
        } catch {
            try? await repository.releaseLease(eventId: eventId, holder: holder)
            throw error
        }
    }

    private func syncLeased(eventId: String) async throws -> Int {
        let pending = try await repository.outbox.pending(eventId: eventId, limit: Self.batchSize)
        guard let upTo = pending.upTo else { return 0 }
        let connector = try await connectors.view(eventId: eventId)
        try await checkConnectionFor(eventId: eventId, connector)
        guard connector.settings.enabled, connector.connection.state == .connected, let event = try await events.find(id: eventId) else {
            // Switched off, or never synced and not connected: nothing is sent; the forced sync
            // brings everyone in once the connector is on and connected.
            try await repository.outbox.complete(eventId: eventId, upTo: upTo)
            return 0
        }
        let people = try await participants.participants(eventId: eventId, ids: pending.participantIds)
        // People whose last attempt failed (sent again on request, or changed since) may have
        // failed on what the org allowed then: read its describes afresh (one call) for them.
        let batch = try await prepare(event: event, connector: connector, runId: nil, freshDescribes: people.contains { $0.salesforce.error != nil })
        let (results, _) = try await batch.sync(people, dryRun: false, quick: true)
        keep(batch.sizes, eventId: eventId)
        try await repository.record(results, eventId: eventId, run: nil)
        await Self.recordMetrics(results, calls: batch.calls.value, client: batch.client)
        try await repository.outbox.complete(eventId: eventId, upTo: upTo)
        return people.count
    }

    // MARK: Shared

    /// What a batch did, for `/metrics`: people synced and failed, calls spent, the org's usage.
    private static func recordMetrics(_ results: [ParticipantSyncResult], calls: Int, client: any SalesforceAPI) async {
        let failed = results.filter { $0.error != nil }.count
        RosterMetrics.synced(results.count - failed, failed: failed)
        RosterMetrics.salesforceCalls(calls)
        if let usage = await client.apiUsage { RosterMetrics.salesforceUsage(used: usage.used, max: usage.max) }
    }

    /// Keeps the sizes a batch needed for the event's next batches.
    private func keep(_ sizes: BatchSizes, eventId: String) {
        let kept = sizes.kept
        keptSizes.withLock { $0[eventId] = kept }
    }

    /// The client, the describes (cached by the client; read again when `freshDescribes`) and the
    /// campaign of the event's `connector`, as the round read it.
    func prepare(event: Event, connector: ConnectorSummary, runId: String?, freshDescribes: Bool = false) async throws -> SyncBatch {
        let client = try await salesforce(event.id, connector.connection)
        let describes = try await client.describe(MappingTarget.allCases.map(\.objectName), refresh: freshDescribes)
        var byTarget: [MappingTarget: SObjectDescribe] = [:]
        for target in MappingTarget.allCases { byTarget[target] = describes[target.objectName] }
        let settings = connector.settings
        guard !settings.registeredStatus.isBlank, !settings.attendedStatus.isBlank else {
            throw SyncError("choose the registered and attended statuses first (check configuration)")
        }
        let campaignId: String
        if let known = settings.campaignId {
            campaignId = known
        } else {
            let found = try await client.queryAll(SOQL.select(["Id"], from: "Campaign", where: .equals("Name", settings.campaignName), limit: 2))
            guard found.count == 1, let id = found[0]["Id"]?.stringValue else {
                throw SyncError("the campaign \"\(settings.campaignName)\" was \(found.isEmpty ? "not found" : "found twice") in Salesforce; run check configuration")
            }
            campaignId = id
            try await connectors.rememberCampaign(eventId: event.id, campaignId: id, forName: settings.campaignName)
        }
        let kept = keptSizes.withLock { $0[event.id] ?? [:] }
        let sizes = BatchSizes(kept: runId == nil ? kept : BatchSizes.grown(kept)) { settings.mostRecords(of: $0) }
        return SyncBatch(client: client, planner: SyncPlanner(settings: settings, event: event, describes: byTarget, now: now()),
                         campaignId: campaignId, runId: runId, sizes: sizes, now: now,
                         mayRecheckUsage: { [usageRecheck, now] in usageRecheck.take(eventId: event.id, now: now()) }, logger: logger)
    }
}

extension SyncRun {
    mutating func add(_ tally: BatchTally, people: Int) {
        processed += people
        created += tally.created
        updated += tally.updated
        linked += tally.linked
        unchanged += tally.unchanged
        failed += tally.failed
        errors += tally.errors.prefix(max(0, 100 - errors.count))
    }
}

/// The live sync of an event waits for its connection: the connector is on but disconnected or
/// broken. Its changes stay in the outbox until the connection is back.
public struct LiveSyncWaiting: Error, Sendable, CustomStringConvertible {
    /// The connection's state: `disconnected` or `broken`.
    public var state: ConnectionState
    /// Says the connection's state and that the changes wait for it.
    public var description: String { "the Salesforce connection is \(state.rawValue); changes wait until it is connected again" }
}

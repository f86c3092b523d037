import Clocks
import Foundation
import Logging
import RosterConnector
import RosterCore
import RosterStore
@testable import RosterSync
import SalesforceClient
import ServiceLifecycle
import Synchronization
import Testing

/// The forced run's state machine against an org in memory, on a SQLite file: no server, no
/// sandbox, no sleeping.
@Suite("A forced run pauses where the org stops it and resumes from there")
struct SyncEngineTests {
    static let event = Event(id: "01900000-0000-7000-8000-0000000000e1", name: "Summit", fields: [], createdAt: Date(timeIntervalSince1970: 0))

    /// What Salesforce answers once the org's daily requests are spent (REST API Developer Guide,
    /// "Status Codes and Error Responses": 403 `REQUEST_LIMIT_EXCEEDED`).
    static let limit = SalesforceFailure.api(status: 403, errors: [SalesforceAPIError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded.")])

    /// A migrated SQLite database with the event, `count` people and a connected connector; an
    /// engine whose rounds talk to `org`, whose wall time is `now` and whose waits are on `clock`.
    func withEngine(people count: Int, org: ScriptedOrg, now: @escaping @Sendable () -> Date = Date.init, clock: AnyClock<Duration> = AnyClock(ContinuousClock()),
                    _ body: (SyncEngine, SyncRepository) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster_engine_\(UUID().uuidString.prefix(8)).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let logger = Logger(label: "test")
        let database = try RosterDatabase(url: .sqlite(path: path), logger: logger)
        do {
            try await Migrator(database: database, logger: logger).migrate()
            let events = EventRepository(database: database)
            try await events.create(Self.event)
            let participants = ParticipantRepository(database: database)
            _ = try await participants.importRows(into: Self.event, (0..<count).map { index in
                ImportRow(number: index + 1, draft: ParticipantDraft(email: String(format: "p%05d@example.org", index), firstName: "Ada", lastName: "L\(index)",
                                                                      company: "Engines"))
            })
            let secrets = try SecretBox(key: Array(repeating: 7, count: 32))
            let stored = ConnectorRepository(database: database, secrets: secrets)
            var settings = ConnectorSettings(enabled: true, campaignName: "Summit", registeredStatus: "Registered", attendedStatus: "Attended")
            settings.campaignId = "701000000000001AAA"
            _ = try await stored.save(eventId: Self.event.id, settings: settings, consumerSecret: nil)
            try await stored.connect(eventId: Self.event.id, flow: .clientCredentials, instanceUrl: "https://org.my.salesforce.com", username: "sync@org",
                                     accessToken: "token", refreshToken: nil)
            let connectors = ConnectorService(connectors: stored, states: OAuthStateRepository(database: database, secrets: secrets),
                                              participants: participants, transport: Unreachable(), hosts: SalesforceHosts(), logger: logger)
            let repository = SyncRepository(database: database, now: now)
            let engine = SyncEngine(connectors: connectors, repository: repository, participants: participants, events: events,
                                    ids: UUIDv7Generator(), now: now, clock: clock, logger: logger, salesforce: { _, _ in org })
            try await body(engine, repository)
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
    }

    /// No request leaves a test: the engine's org is `ScriptedOrg`.
    struct Unreachable: HTTPTransport {
        func send(_ exchange: HTTPExchange, timeout: Duration) async throws(TransportFailure) -> HTTPReply {
            throw .notSent("tests make no request")
        }
    }

    static let describes: [String: SObjectDescribe] = [
        "Contact": SObjectDescribe(name: "Contact", label: "Contact", createable: true, updateable: true, fields: []),
        "Lead": SObjectDescribe(name: "Lead", label: "Lead", createable: true, updateable: true, fields: []),
        "CampaignMember": SObjectDescribe(name: "CampaignMember", label: "Campaign Member", createable: true, updateable: true, fields: []),
    ]

    @Test("the org's request limit met at the second batch pauses the run after the first; run again, it goes on from there and creates nobody twice")
    func aPausedRunResumes() async throws {
        let people = SyncEngine.batchSize + 100
        // The org refuses every call once the second batch starts matching, until told otherwise.
        let spent = Mutex(true)
        let secondBatch = String(format: "p%05d%%40example.org", SyncEngine.batchSize)
        let org = ScriptedOrg(describes: Self.describes, interrupt: { subrequests in
            spent.withLock { $0 } && subrequests.contains { $0.url.contains(secondBatch) } ? Self.limit : nil
        })
        try await withEngine(people: people, org: org) { engine, repository in
            let queued = try await engine.queueRun(eventId: Self.event.id, dryRun: false)
            let paused = try await engine.execute(queued)
            #expect(paused.state == .paused)
            #expect(paused.pausedReason?.contains("request limit") == true)
            #expect((paused.processed, paused.created) == (SyncEngine.batchSize, SyncEngine.batchSize))
            #expect(paused.cursor != nil)
            #expect(org.created["Contact"] == SyncEngine.batchSize)

            spent.withLock { $0 = false }
            let resumed = try await engine.execute(paused)
            #expect(resumed.state == .succeeded)
            #expect((resumed.processed, resumed.created, resumed.failed) == (people, people, 0))
            #expect(org.created["Contact"] == people)
            #expect(org.created["CampaignMember"] == people)
            #expect(try await repository.run(id: queued.id)?.state == .succeeded)
        }
    }

    @Test("a run whose event another process holds is left to it: the live sync answers nil and the changes stay pending")
    func aLeaseHeldElsewhere() async throws {
        let org = ScriptedOrg(describes: Self.describes)
        try await withEngine(people: 3, org: org) { engine, repository in
            let taken = try await repository.acquireLease(eventId: Self.event.id, holder: "another-process", seconds: 60)
            #expect(taken)
            let synced = try await engine.syncPendingChanges(eventId: Self.event.id)
            #expect(synced == nil)
            #expect(org.calls.isEmpty)
            let pending = try await repository.outbox.pending(eventId: Self.event.id, limit: 10)
            #expect(pending.changes.count == 3)
        }
    }

    @Test("a run whose lease ran out while it stalled, and which another process took, stops before its next batch and leaves the run to it")
    func aLeaseLost() async throws {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let now: @Sendable () -> Date = { time.withLock { $0 } }
        let org = ScriptedOrg(describes: Self.describes)
        try await withEngine(people: SyncEngine.batchSize * 2 + 1, org: org, now: now) { engine, repository in
            let queued = try await engine.queueRun(eventId: Self.event.id, dryRun: false)
            let left = try await engine.execute(queued, progress: { run in
                // After the first batch, this process stalls past its lease and another takes the event.
                guard run.processed == SyncEngine.batchSize else { return }
                time.withLock { $0 += 121 }
                _ = try? await repository.acquireLease(eventId: Self.event.id, holder: "another-process", seconds: 120)
            })
            #expect(left.state == .running, "as stored: running, now in the other process's hands")
            #expect((left.processed, left.created) == (SyncEngine.batchSize, SyncEngine.batchSize))
            #expect(org.created["Contact"] == SyncEngine.batchSize, "nothing written after the lease was lost")
            let stillHeld = try await repository.acquireLease(eventId: Self.event.id, holder: "a-third-process", seconds: 1)
            #expect(!stillHeld, "the other process's lease was left alone")
        }
    }

    @Test("a batch that outlasts its lease, taken meanwhile by another process, keeps nothing of its counts or cursor: the run is the new holder's")
    func aLeaseLostDuringABatch() async throws {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let now: @Sendable () -> Date = { time.withLock { $0 } }
        let secondBatch = String(format: "p%05d%%40example.org", SyncEngine.batchSize)
        let taken = Mutex(false)
        let repository = Mutex<SyncRepository?>(nil)
        let org = ScriptedOrg(describes: Self.describes, meanwhile: { subrequests in
            // The second batch's matching call: this process stalls past its lease, another takes the event.
            guard subrequests.contains(where: { $0.url.contains(secondBatch) }), !taken.withLock({ $0 }), let store = repository.withLock({ $0 }) else { return }
            taken.withLock { $0 = true }
            time.withLock { $0 += 121 }
            _ = try? await store.acquireLease(eventId: Self.event.id, holder: "another-process", seconds: 120)
        })
        try await withEngine(people: SyncEngine.batchSize * 2 + 1, org: org, now: now) { engine, store in
            repository.withLock { $0 = store }
            let queued = try await engine.queueRun(eventId: Self.event.id, dryRun: false)
            let afterFirst = Mutex<String?>(nil)
            let left = try await engine.execute(queued, progress: { run in
                if run.processed == SyncEngine.batchSize { afterFirst.withLock { $0 = run.cursor } }
            })
            #expect(taken.withLock { $0 })
            #expect(left.state == .running, "as stored: running, now in the other process's hands")
            #expect((left.processed, left.created) == (SyncEngine.batchSize, SyncEngine.batchSize), "the first batch's counts, not the second's")
            let firstCursor = afterFirst.withLock { $0 }
            #expect(firstCursor != nil)
            #expect(left.cursor == firstCursor, "the cursor where the first batch ended")
            let stillHeld = try await store.acquireLease(eventId: Self.event.id, holder: "a-third-process", seconds: 1)
            #expect(!stillHeld, "the other process's lease was left alone")
        }
    }

    @Test("a run paused by the org's request limit goes on when the paused-run retry comes round on the engine's clock, stepped rather than waited for")
    func aPausedRunRetriedOnTheClock() async throws {
        let clock = TestClock()
        let spent = Mutex(true)
        let org = ScriptedOrg(describes: Self.describes, interrupt: { _ in spent.withLock { $0 } ? Self.limit : nil })
        try await withEngine(people: 3, org: org, clock: AnyClock(clock)) { engine, repository in
            let service = SyncService(engine: engine, repository: repository, logger: Logger(label: "test"), pausedRetry: .seconds(60))
            let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
            let running = Task { try await group.run() }
            let queued = try await service.enqueue(eventId: Self.event.id, dryRun: false)
            // Claimed at once (queuing rings the service): no time passes for it.
            try await eventually(stepping: nil) { try await repository.run(id: queued.id)?.state == .paused }

            spent.withLock { $0 = false }
            await clock.advance(by: .seconds(59))
            let early = try await repository.run(id: queued.id)
            #expect(early?.state == .paused)
            await clock.advance(by: .seconds(1))
            try await eventually(stepping: clock) { try await repository.run(id: queued.id)?.state == .succeeded }
            let done = try await repository.run(id: queued.id)
            #expect((done?.processed, done?.failed) == (3, 0))

            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    /// Waits until `condition` holds, moving `clock` (if any) on by a step of 100 ms at each look, as
    /// time would pass for the service (its claim poll, its live rounds); fails the test after 30 s.
    /// What the service does runs on SQLite's threads: the test looks for its result, it does
    /// not guess how long it takes.
    func eventually(stepping clock: TestClock<Duration>?, _ condition: () async throws -> Bool,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while try await !condition() {
            await clock?.advance(by: .milliseconds(100))
            guard ContinuousClock.now < deadline else {
                Issue.record("the condition did not come true within 30 s", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

import Foundation
import Synchronization
import RosterCore
import Testing
@testable import RosterStore

@Suite("Sync state: runs, results, leases, outbox, secrets")
struct SyncRepositoryTests {
    static let event = ParticipantRepositoryTests.event

    @Test("an event lease has one holder until it expires; the holder renews and releases it", arguments: TestDatabaseKind.available)
    func leases(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let clock = TestClock()
            let repository = SyncRepository(database: database, now: { clock.now })
            #expect(try await repository.acquireLease(eventId: "e", holder: "a", seconds: 60))
            #expect(try await !repository.acquireLease(eventId: "e", holder: "b", seconds: 60))
            #expect(try await repository.acquireLease(eventId: "e", holder: "a", seconds: 60))
            clock.advance(by: 61)
            #expect(try await repository.acquireLease(eventId: "e", holder: "b", seconds: 60))
            #expect(try await !repository.acquireLease(eventId: "e", holder: "a", seconds: 60))
            try await repository.releaseLease(eventId: "e", holder: "b")
            #expect(try await repository.acquireLease(eventId: "e", holder: "a", seconds: 60))
        }
    }

    @Test("results are recorded for a holder only while it holds the event's lease", arguments: TestDatabaseKind.available)
    func recordUnderLease(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let clock = TestClock()
            try await EventRepository(database: database).create(Event(id: "e", name: "e", createdAt: clock.now))
            let repository = SyncRepository(database: database, now: { clock.now })
            var run = SyncRun(id: "r1", eventId: "e", dryRun: false, total: 10, createdAt: clock.now)
            try await repository.create(run)
            #expect(try await repository.acquireLease(eventId: "e", holder: "a", seconds: 60))
            run.processed = 5
            try await repository.record([], eventId: "e", run: run, holder: "a")
            clock.advance(by: 61)
            #expect(try await repository.acquireLease(eventId: "e", holder: "b", seconds: 60))
            run.processed = 10
            await #expect(throws: LeaseNotHeld.self) { try await repository.record([], eventId: "e", run: run, holder: "a") }
            #expect(try await repository.run(id: "r1")?.processed == 5, "a's late counts were not written over b's")
        }
    }

    @Test("the events whose no-show pass may be due: over, and no run of that starter yet, soonest ended first", arguments: TestDatabaseKind.available)
    func endedWithoutRun(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let events = EventRepository(database: database)
            let repository = SyncRepository(database: database, now: { now })
            for (id, end) in [("past", -7_200.0), ("done", -86_400.0), ("later", 3_600.0), ("recent", -60.0)] as [(String, Double)] {
                try await events.create(Event(id: id, name: id, startsAt: now.addingTimeInterval(end - 3_600), endsAt: now.addingTimeInterval(end),
                                              createdAt: now))
            }
            try await events.create(Event(id: "open", name: "open", createdAt: now))
            var pass = SyncRun(id: "r1", eventId: "done", dryRun: false, total: 1, createdAt: now)
            pass.startedBy = "no-shows"
            try await repository.create(pass)
            var other = SyncRun(id: "r2", eventId: "past", dryRun: false, total: 1, createdAt: now)
            other.startedBy = "ada@example.com"
            try await repository.create(other)
            let due = try await events.endedWithoutRun(startedBy: "no-shows", at: now)
            #expect(due.map(\.id) == ["past", "recent"], "not the event whose pass ran, nor one not over, nor one without an end")
        }
    }

    @Test("workers claim forced runs from the database: the oldest first, one worker per event, a dead worker's runs once its lease expires", arguments: TestDatabaseKind.available)
    func claims(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let clock = TestClock()
            let repository = SyncRepository(database: database, now: { clock.now })
            for id in ["e1", "e2"] {
                try await EventRepository(database: database).create(Event(id: id, name: id, createdAt: clock.now))
            }
            for (index, (id, event)) in [("r1", "e1"), ("r2", "e1"), ("r3", "e2")].enumerated() {
                try await repository.create(SyncRun(id: id, eventId: event, dryRun: false, total: 10, createdAt: clock.now.addingTimeInterval(Double(index))))
            }
            #expect(try await repository.claimRun(holder: "a", seconds: 60)?.id == "r1", "the oldest")
            #expect(try await repository.claimRun(holder: "b", seconds: 60)?.id == "r3", "not e1's second run: a holds e1")
            #expect(try await repository.claimRun(holder: "b", seconds: 60, excluding: ["e2"]) == nil, "e1 is a's, e2 b's own")
            var r1 = try #require(try await repository.run(id: "r1"))
            r1.state = .succeeded
            try await repository.save(r1)
            try await repository.releaseLease(eventId: "e1", holder: "a")
            #expect(try await repository.claimRun(holder: "a", seconds: 60)?.id == "r2", "e1 released: its next run")

            // b dies holding e2 with r3 running: nobody takes it until b's lease expires.
            var r3 = try #require(try await repository.run(id: "r3"))
            r3.state = .running
            try await repository.save(r3)
            #expect(try await repository.claimRun(holder: "c", seconds: 60) == nil)
            clock.advance(by: 61)
            #expect(try await repository.claimRun(holder: "c", seconds: 60)?.id == "r2", "a's lease expired too: the oldest again")
            #expect(try await repository.claimRun(holder: "d", seconds: 60)?.id == "r3", "the run b left running is taken over")
            #expect(try await !repository.acquireLease(eventId: "e2", holder: "b", seconds: 60), "d holds e2 now")
        }
    }

    @Test("results, history, run counters and the outbox's consumption", arguments: TestDatabaseKind.available)
    func resultsAndOutbox(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let clock = TestClock()
            let participants = ParticipantRepository(database: database, now: { clock.now })
            let ada = try await participants.upsert(into: Self.event, ParticipantDraft(email: "ada@example.org", firstName: "Ada", lastName: "L")).participant
            _ = try await participants.upsert(into: Self.event, ParticipantDraft(email: "bob@example.org", firstName: "Bob", lastName: "B"))
            let repository = SyncRepository(database: database, now: { clock.now })
            #expect(try await repository.outbox.eventsWithPendingChanges() == [Self.event.id])
            clock.advance(by: 30)
            let queue = try await repository.outbox.queue(eventId: Self.event.id)
            #expect(queue.pending == 2 && queue.lagSeconds == 30)
            #expect(try await repository.outbox.queue(eventId: "other").pending == 0)
            let pending = try await repository.outbox.pending(eventId: Self.event.id, limit: 10)
            #expect(pending.participantIds == [ada.id, pending.changes[1].participantId])
            #expect(pending.changes.map(\.kind) == ["created", "created"])
            let upTo = try #require(pending.upTo)
            #expect(try await participants.syncCounts(eventId: Self.event.id) == SyncCounts(total: 2, pending: 2, members: 0))

            var run = SyncRun(id: "r1", eventId: Self.event.id, dryRun: false, total: 2, createdAt: Date(timeIntervalSince1970: 1_800_000_000))
            try await repository.create(run)
            run.state = .running
            run.created = 1
            run.errors = [SyncRunError(participantId: "x", email: "bob@example.org", message: "nope")]
            let synced = Date(timeIntervalSince1970: 1_900_000_000)
            try await repository.record([ParticipantSyncResult(
                participantId: ada.id, syncedAt: synced, contactId: nil, leadId: "00Q000000000001AAA", campaignMemberId: "00v000000000001AAA",
                error: nil, warning: "two Leads", dataHash: "abc",
                history: [SyncHistoryEntry(at: synced, runId: "r1", operation: "create", object: "Lead", recordId: "00Q000000000001AAA", outcome: "succeeded", error: nil)])],
                eventId: Self.event.id, run: run)
            let stored = try #require(try await participants.find(eventId: Self.event.id, id: ada.id))
            #expect(stored.salesforce.syncedAt == synced)
            #expect(stored.salesforce.leadId == "00Q000000000001AAA")
            #expect(stored.salesforce.dataHash == "abc")
            #expect(try await repository.run(id: "r1") == run)
            #expect(try await repository.history(participantId: ada.id).map(\.operation) == ["create"])
            let results = try await repository.results(runId: "r1")
            #expect(results.lines.map(\.email) == ["ada@example.org"])
            #expect(results.lines.first?.entry.recordId == "00Q000000000001AAA")
            #expect(results.total == 1 && results.nextAfter == nil)
            #expect(try await participants.syncCounts(eventId: Self.event.id) == SyncCounts(total: 2, pending: 1, members: 1))

            try await repository.outbox.complete(eventId: Self.event.id, upTo: upTo)
            #expect(try await repository.outbox.eventsWithPendingChanges().isEmpty)
            #expect(try await repository.outbox.queue(eventId: Self.event.id) == (0, 0))
        }
    }

    @Test("a run's results come a page at a time, filtered by outcome, with their total; a dry run's plans stay out of the history", arguments: TestDatabaseKind.available)
    func resultPages(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let participants = ParticipantRepository(database: database)
            var people: [Participant] = []
            for index in 0..<5 {
                people.append(try await participants.upsert(into: Self.event, ParticipantDraft(email: "p\(index)@example.org", firstName: "P", lastName: "\(index)")).participant)
            }
            let repository = SyncRepository(database: database)
            let at = Date(timeIntervalSince1970: 1_900_000_000)
            func result(_ person: Participant, run: String, outcome: String) -> ParticipantSyncResult {
                ParticipantSyncResult(participantId: person.id, syncedAt: outcome == "planned" ? nil : at, contactId: nil, leadId: nil, campaignMemberId: nil,
                                      error: outcome == "failed" ? "nope" : nil, warning: nil, dataHash: nil,
                                      history: [SyncHistoryEntry(at: at, runId: run, operation: "create", object: "Lead", recordId: nil, outcome: outcome, error: nil)])
            }
            try await repository.record(people.enumerated().map { result($1, run: "r1", outcome: $0 == 2 ? "failed" : "succeeded") }, eventId: Self.event.id, run: nil)
            try await repository.record([result(people[0], run: "dry", outcome: "planned")], eventId: Self.event.id, run: nil)

            let first = try await repository.results(runId: "r1", limit: 2)
            #expect(first.lines.map(\.email) == ["p0@example.org", "p1@example.org"])
            #expect(first.total == 5)
            let second = try await repository.results(runId: "r1", limit: 2, after: try #require(first.nextAfter))
            #expect(second.lines.map(\.email) == ["p2@example.org", "p3@example.org"])
            let last = try await repository.results(runId: "r1", limit: 2, after: try #require(second.nextAfter))
            #expect(last.lines.map(\.email) == ["p4@example.org"])
            #expect(last.nextAfter == nil)
            let failed = try await repository.results(runId: "r1", outcome: "failed")
            #expect(failed.lines.map(\.email) == ["p2@example.org"] && failed.total == 1)
            #expect(try await repository.results(runId: "dry").lines.map(\.entry.outcome) == ["planned"])
            #expect(try await repository.history(participantId: people[0].id).map(\.outcome) == ["succeeded"])
        }
    }

    @Test("sealed secrets open with their key and context only; a wrong key stops the start", arguments: TestDatabaseKind.available)
    func secrets(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let box = try SecretBox(key: SecretBox.generateKey())
            let sealed = try box.seal("s3cret", context: "connector:e:consumer_secret")
            #expect(!sealed.contains("s3cret"))
            #expect(try box.open(sealed, context: "connector:e:consumer_secret") == "s3cret")
            #expect(throws: StoreError.self) { try box.open(sealed, context: "connector:other:consumer_secret") }
            try await SecretKeys.verify(box, on: database, setting: "ROSTER_SECRET_KEY")
            try await SecretKeys.verify(box, on: database, setting: "ROSTER_SECRET_KEY")
            let other = try SecretBox(key: SecretBox.generateKey())
            await #expect(throws: StoreError.self) { try await SecretKeys.verify(other, on: database, setting: "ROSTER_SECRET_KEY") }
        }
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

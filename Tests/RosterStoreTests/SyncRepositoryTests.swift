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
            #expect(results.map(\.email) == ["ada@example.org"])
            #expect(results.first?.entry.recordId == "00Q000000000001AAA")
            #expect(try await participants.syncCounts(eventId: Self.event.id) == SyncCounts(total: 2, pending: 1, members: 1))

            try await repository.outbox.complete(eventId: Self.event.id, upTo: upTo)
            #expect(try await repository.outbox.eventsWithPendingChanges().isEmpty)
            #expect(try await repository.outbox.queue(eventId: Self.event.id) == (0, 0))
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

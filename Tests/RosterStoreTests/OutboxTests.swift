import RosterCore
import Testing
@testable import RosterStore

@Suite("The outbox's signal")
struct OutboxTests {
    static let event = ParticipantRepositoryTests.event

    // The limit bounds the hour-long fallback waits below; it counts the database's setup too,
    // which under the whole suite's parallel PostgreSQL tests (each creating a database) took
    // up to a minute.
    @Test("A committed change wakes the waiting live sync; one committed while nobody waits is kept for the next wait",
          .timeLimit(.minutes(3)), arguments: TestDatabaseKind.available)
    func commitsWakeTheWaiter(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let participants = ParticipantRepository(database: database)
            let outbox = Outbox(database: database)
            // An hour's fallback: only the commit can end these waits within the test's minute.
            let waiting = Task { await outbox.waitForChanges(upTo: .seconds(3600), on: ContinuousClock()) }
            _ = try await participants.upsert(into: Self.event, ParticipantDraft(email: "ada@example.org", firstName: "Ada", lastName: "L"))
            await waiting.value
            #expect(try await outbox.pending(eventId: Self.event.id, limit: 10).changes.count == 1)

            let writer = ParticipantWriter(database: database, participants: participants, logger: .init(label: "test"))
            let writing = Task { try await writer.run() }
            _ = try await writer.upsert(into: Self.event, ParticipantDraft(email: "bob@example.org", firstName: "Bob", lastName: "B"))
            await outbox.waitForChanges(upTo: .seconds(3600), on: ContinuousClock())
            #expect(try await outbox.pending(eventId: Self.event.id, limit: 10).changes.count == 2)
            writing.cancel()
            try? await writing.value
        }
    }
}

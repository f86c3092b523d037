import Logging
import RosterCore
@testable import RosterStore

/// Tests write participants the one way the server does: through a ``ParticipantWriter``
/// (group commit, race retries, the outbox's signal), started for the write and stopped after it.
extension ParticipantRepository {
    /// Creates the participant, or updates the one with the same email, as a registration does.
    func upsert(into event: Event, _ draft: ParticipantDraft) async throws -> UpsertOutcome {
        try await throughWriter { try await $0.upsert(into: event, draft) }
    }

    /// Applies a partial update to one participant, as `PATCH` does.
    func update(in event: Event, participantId: String, _ draft: ParticipantDraft) async throws -> Participant {
        try await throughWriter { writer in
            try await writer.perform { db in try await self.update(in: event, participantId: participantId, draft, on: db) }
        }
    }

    /// Runs `write` with a writer serving, then stops it and waits for it to end (cancelled, the
    /// writer ends its stream of wake-ups and commits what was queued). Writes made at once each
    /// go through their own writer: they race as two server processes would, which the store's
    /// race retries are for.
    private func throughWriter<T: Sendable>(_ write: @Sendable (ParticipantWriter) async throws -> T) async throws -> T {
        let writer = ParticipantWriter(database: database, participants: self, logger: Logger(label: "test"))
        let running = Task { try await writer.run() }
        let result: Result<T, any Error>
        do { result = .success(try await write(writer)) } catch { result = .failure(error) }
        running.cancel()
        try await running.value
        return try result.get()
    }
}

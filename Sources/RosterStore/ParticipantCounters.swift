import SQLKit

/// Each event's number of participants and of synced participants, kept in the transactions that
/// change them (a new participant, a first sync date), so a list's total is one row read instead
/// of a count over the whole event.
enum ParticipantCounters {
    /// Adds newly inserted participants to their events' counts.
    static func added(_ participants: [(eventId: String, synced: Bool)], on db: any SQLDatabase) async throws {
        var byEvent: [String: (Int, Int)] = [:]
        for participant in participants {
            let current = byEvent[participant.eventId] ?? (0, 0)
            byEvent[participant.eventId] = (current.0 + 1, current.1 + (participant.synced ? 1 : 0))
        }
        for (eventId, (count, synced)) in byEvent {
            try await db.raw("""
                INSERT INTO event_participant_counts (event_id, participants, synced) VALUES (\(bind: eventId), \(bind: count), \(bind: synced))
                ON CONFLICT (event_id) DO UPDATE SET participants = event_participant_counts.participants + excluded.participants,
                                                     synced = event_participant_counts.synced + excluded.synced
                """).run()
        }
    }

    /// Counts the participants among `ids` that have no sync date yet and are about to get one.
    static func firstSyncs(eventId: String, ids: [String], on db: any SQLDatabase) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("participants")
            .where("event_id", .equal, eventId).where("id", .in, ids).where("sf_synced_at", .is, SQLLiteral.null)
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    static func synced(_ count: Int, eventId: String, on db: any SQLDatabase) async throws {
        guard count > 0 else { return }
        try await db.raw("UPDATE event_participant_counts SET synced = synced + \(bind: count) WHERE event_id = \(bind: eventId)").run()
    }

    /// The event's participants and synced participants.
    static func read(eventId: String, on db: any SQLDatabase) async throws -> (participants: Int, synced: Int) {
        guard let row = try await db.select().columns("participants", "synced").from("event_participant_counts")
            .where("event_id", .equal, eventId).first()
        else { return (0, 0) }
        return (try row.decode(column: "participants", as: Int.self), try row.decode(column: "synced", as: Int.self))
    }
}

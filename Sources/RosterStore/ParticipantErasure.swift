import Foundation
import RosterCore
import SQLKit

/// A person erased on request (GDPR art. 17): what is kept, with no personal data.
public struct ParticipantErasure: Sendable, Hashable {
    /// What became of the person's campaign member in Salesforce.
    public enum CampaignMember: String, Sendable {
        /// The person had none.
        case none
        /// Left in the campaign, as asked (`salesforce=keep`).
        case kept
        /// Removed from the campaign before the erasure (`salesforce=removeMember`).
        case removed
    }

    /// The erased participant's id.
    public var participantId: String
    /// The event.
    public var eventId: String
    /// When.
    public var erasedAt: Date
    /// Who: the token's name or the user's email.
    public var erasedBy: String?
    /// Whether the person was registered, for the event's counts.
    public var wasRegistered: Bool
    /// Whether the person was checked in, for the event's counts.
    public var hadAttended: Bool
    /// What became of their campaign member.
    public var campaignMember: CampaignMember

    /// Makes a tombstone.
    public init(participantId: String, eventId: String, erasedAt: Date, erasedBy: String?, wasRegistered: Bool, hadAttended: Bool,
                campaignMember: CampaignMember) {
        self.participantId = participantId
        self.eventId = eventId
        self.erasedAt = erasedAt
        self.erasedBy = erasedBy
        self.wasRegistered = wasRegistered
        self.hadAttended = hadAttended
        self.campaignMember = campaignMember
    }
}

extension ParticipantRepository {
    /// Erases a participant's data, in one transaction: the row goes (the event's kept counts
    /// with it), a ``ParticipantErasure`` stays; their waiting changes are closed so the live sync
    /// sends nothing more; the free text that could quote them goes too (their sync history's
    /// error messages, their entries in runs' error lists, their email in webhook deliveries'
    /// answers and errors). Their history lines stay, ids only. A sync batch that had read them
    /// before keeps nothing of theirs when it ends (``SyncRepository/record(_:eventId:run:)``).
    ///
    /// - Returns: the tombstone, or `nil` when the event has no such participant.
    public func erase(eventId: String, participantId: String, by: String?, campaignMember: ParticipantErasure.CampaignMember) async throws
        -> ParticipantErasure? {
        let time = StoreTime.truncated(now())
        return try await database.transaction { db in
            guard let (person, _) = try await self.find(eventId: eventId, id: participantId, on: db) else { return nil }
            try await db.raw("DELETE FROM participants WHERE id = \(bind: person.id)").run()
            try await db.raw("""
                UPDATE event_participant_counts SET participants = participants - 1, synced = synced - \(bind: person.salesforce.syncedAt == nil ? 0 : 1)
                WHERE event_id = \(bind: eventId)
                """).run()
            let member: ParticipantErasure.CampaignMember = person.salesforce.campaignMemberId == nil ? .none : campaignMember
            let erasure = ParticipantErasure(participantId: person.id, eventId: eventId, erasedAt: time, erasedBy: by,
                                             wasRegistered: person.isRegistered, hadAttended: person.hasAttended, campaignMember: member)
            try await db.raw("""
                INSERT INTO participant_erasures (participant_id, event_id, erased_at, erased_by, was_registered, had_attended, campaign_member)
                VALUES (\(bind: person.id), \(bind: eventId), \(bind: StoreTime.millis(time)), \(bind: by), \(bind: person.isRegistered),
                        \(bind: person.hasAttended), \(bind: member.rawValue))
                """).run()
            try await db.raw("""
                UPDATE participant_changes SET processed_at = \(bind: StoreTime.millis(time)) WHERE participant_id = \(bind: person.id) AND processed_at IS NULL
                """).run()
            try await db.raw("UPDATE salesforce_sync_history SET error = NULL WHERE participant_id = \(bind: person.id)").run()
            // The runs' error lists name the person by id, with their email and Salesforce's words:
            // their entries go.
            let runs = try await db.raw("""
                SELECT id, errors_json FROM salesforce_sync_runs WHERE event_id = \(bind: eventId) AND errors_json LIKE \(bind: "%" + Self.likeLiteral(person.id) + "%") ESCAPE '\\'
                """).all()
            for run in runs {
                let errors = try StoreJSON.decode([SyncRunError].self, from: run.decode(column: "errors_json", as: String.self))
                try await db.update("salesforce_sync_runs").set("errors_json", to: try StoreJSON.encode(errors.filter { $0.participantId != person.id }))
                    .where("id", .equal, try run.decode(column: "id", as: String.self)).run()
            }
            // Webhook deliveries keep their first answer and error, which may quote an email.
            for email in Set([person.email, person.normalizedEmail]) where !email.isEmpty {
                let pattern = "%" + Self.likeLiteral(email) + "%"
                for column in ["answer", "error"] {
                    try await db.raw("""
                        UPDATE webhook_deliveries SET \(ident: column) = REPLACE(\(ident: column), \(bind: email), '[erased]')
                        WHERE source_id IN (SELECT id FROM webhook_sources WHERE event_id = \(bind: eventId)) AND \(ident: column) LIKE \(bind: pattern) ESCAPE '\\'
                        """).run()
                }
            }
            return erasure
        }
    }

    /// The event's erasures, newest first.
    public func erasures(eventId: String, limit: Int = 100) async throws -> [ParticipantErasure] {
        try await database.reader.raw("""
            SELECT participant_id, erased_at, erased_by, was_registered, had_attended, campaign_member FROM participant_erasures
            WHERE event_id = \(bind: eventId) ORDER BY erased_at DESC, participant_id LIMIT \(literal: limit)
            """).all().map { row in
            ParticipantErasure(participantId: try row.decode(column: "participant_id", as: String.self), eventId: eventId,
                               erasedAt: StoreTime.date(try row.decode(column: "erased_at", as: Int64.self)),
                               erasedBy: try row.decode(column: "erased_by", as: String?.self),
                               wasRegistered: try row.decode(column: "was_registered", as: Bool.self),
                               hadAttended: try row.decode(column: "had_attended", as: Bool.self),
                               campaignMember: .init(rawValue: try row.decode(column: "campaign_member", as: String.self)) ?? .none)
        }
    }

    /// How many of the event's people were erased, and of them how many were registered and
    /// checked in: the event's counts add them, so erasing a person never rewrites its figures.
    public func erasedCounts(eventId: String) async throws -> (erased: Int, registered: Int, attended: Int) {
        let row = try await database.reader.raw("""
            SELECT COUNT(*) AS n, SUM(CASE WHEN was_registered THEN 1 ELSE 0 END) AS registered, SUM(CASE WHEN had_attended THEN 1 ELSE 0 END) AS attended
            FROM participant_erasures WHERE event_id = \(bind: eventId)
            """).first()
        func count(_ column: String) throws -> Int { try row?.decode(column: column, as: Int?.self) ?? 0 }
        return (try count("n"), try count("registered"), try count("attended"))
    }

    /// `text` as a `LIKE` pattern's literal part (`\` escapes `%`, `_` and itself).
    static func likeLiteral(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}

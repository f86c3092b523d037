import Foundation
import RosterCore
import SQLKit

/// A registration tool's way in to an event: where it posts, how its deliveries are read.
public struct WebhookSource: Sendable, Hashable {
    /// The source's id, the last part of its URL (`/hooks/<id>`).
    public var id: String
    /// The event it feeds.
    public var eventId: String
    /// What the organiser called it ("Tito", "Registration site").
    public var name: String
    /// Participant field → JSON Pointer; `nil` reads each object as a participant body.
    public var fieldMap: [String: String]?
    /// When it was made.
    public var createdAt: Date
    /// Until when the secret before the last rotation is still accepted, if one is.
    public var previousSecretUntil: Date?
}

/// One delivery a source received, as its history shows it.
public struct WebhookDelivery: Sendable, Hashable {
    /// What became of it.
    public enum Outcome: String, Sendable {
        /// Signed and read: its participants were stored (each row on its own).
        case accepted
        /// A `webhook-id` already accepted within 24 h: answered as then, nothing changed.
        case duplicate
        /// Not signed right, or not readable: nothing stored.
        case refused
    }

    /// The sender's `webhook-id`.
    public var webhookId: String
    /// When it arrived.
    public var receivedAt: Date
    /// What became of it.
    public var outcome: Outcome
    /// Why it was refused.
    public var error: String?
    /// Participants it created, updated, and rows it refused.
    public var created: Int, updated: Int, rejected: Int

    /// Makes a delivery record.
    public init(webhookId: String, receivedAt: Date, outcome: Outcome, error: String? = nil, created: Int = 0, updated: Int = 0, rejected: Int = 0) {
        self.webhookId = webhookId
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.error = error
        self.created = created
        self.updated = updated
        self.rejected = rejected
    }
}

/// Webhook sources, their secrets (sealed at rest: a signature check needs them in clear), and
/// their deliveries: the last ``deliveriesKept`` per source, and every accepted one for 24 h,
/// which a resend with the same `webhook-id` is answered from.
public struct WebhookRepository: Sendable {
    /// How many deliveries a source's history keeps.
    public static let deliveriesKept = 100
    /// How long an accepted `webhook-id` is answered again rather than read anew, and how long
    /// the previous secret works after a rotation.
    public static let window: TimeInterval = 24 * 3600

    let database: RosterDatabase
    let secrets: SecretBox
    let ids: any IDGenerator
    let now: @Sendable () -> Date

    /// Sources in `database`; `secrets` seals their secrets, `ids` names them, `now` stamps them.
    public init(database: RosterDatabase, secrets: SecretBox, ids: any IDGenerator = UUIDv7Generator(), now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.secrets = secrets
        self.ids = ids
        self.now = now
    }

    /// A new secret as Standard Webhooks writes them: `whsec_` and 32 random bytes in base64.
    static func newSecret() -> String {
        var random = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }).base64EncodedString()
    }

    private static func context(_ id: String) -> String { "webhook:\(id)" }

    /// Makes a source for an event; returns it and its secret, which is never shown again.
    public func create(eventId: String, name: String, fieldMap: [String: String]?) async throws -> (WebhookSource, secret: String) {
        let source = WebhookSource(id: ids.next(), eventId: eventId, name: name, fieldMap: fieldMap, createdAt: StoreTime.truncated(now()))
        let secret = Self.newSecret()
        try await database.writer.insert(into: "webhook_sources")
            .columns("id", "event_id", "name", "field_map", "secret", "created_at")
            .values(SQLBind(source.id), SQLBind(eventId), SQLBind(name), SQLBind(try fieldMap.map(Self.encode)),
                    SQLBind(try secrets.seal(secret, context: Self.context(source.id))), SQLBind(StoreTime.millis(source.createdAt)))
            .run()
        return (source, secret)
    }

    /// The event's sources, oldest first.
    public func list(eventId: String) async throws -> [WebhookSource] {
        try await database.reader.raw("""
            SELECT id, event_id, name, field_map, created_at, previous_until FROM webhook_sources
            WHERE event_id = \(bind: eventId) ORDER BY created_at, id
            """).all().map(source)
    }

    /// A source and the secrets that sign for it now (the current one, and the previous one
    /// during the 24 h after a rotation), or `nil` when there is no such source.
    public func signing(id: String) async throws -> (WebhookSource, secrets: [String])? {
        guard let row = try await database.reader.raw("""
            SELECT id, event_id, name, field_map, created_at, previous_until, secret, previous_secret FROM webhook_sources WHERE id = \(bind: id)
            """).first() else { return nil }
        let source = try source(row)
        var keys = [try secrets.open(try row.decode(column: "secret", as: String.self), context: Self.context(id))]
        if let until = source.previousSecretUntil, until > now(), let previous = try row.decode(column: "previous_secret", as: String?.self) {
            keys.append(try secrets.open(previous, context: Self.context(id)))
        }
        return (source, keys)
    }

    /// Gives a source a new secret; the previous one keeps working for 24 h.
    /// - Returns: the new secret (shown once) and until when the previous one works.
    /// - Throws: ``StoreError/notFound(_:)`` when the event has no such source.
    public func rotate(eventId: String, id: String) async throws -> (secret: String, previousUntil: Date) {
        let secret = Self.newSecret()
        let until = StoreTime.truncated(now().addingTimeInterval(Self.window))
        let sealed = try secrets.seal(secret, context: Self.context(id))
        let rotated = try await database.writer.raw("""
            UPDATE webhook_sources SET previous_secret = secret, secret = \(bind: sealed), previous_until = \(bind: StoreTime.millis(until))
            WHERE id = \(bind: id) AND event_id = \(bind: eventId) RETURNING id
            """).all()
        guard !rotated.isEmpty else { throw StoreError.notFound("no webhook \(id) in event \(eventId)") }
        return (secret, until)
    }

    /// Deletes a source and its deliveries: its URL answers 401 from then on.
    /// - Throws: ``StoreError/notFound(_:)`` when the event has no such source.
    public func delete(eventId: String, id: String) async throws {
        let deleted = try await database.transaction { db in
            try await db.raw("DELETE FROM webhook_deliveries WHERE source_id = \(bind: id) AND source_id IN (SELECT id FROM webhook_sources WHERE event_id = \(bind: eventId))").run()
            return try await db.raw("DELETE FROM webhook_sources WHERE id = \(bind: id) AND event_id = \(bind: eventId) RETURNING id").all()
        }
        guard !deleted.isEmpty else { throw StoreError.notFound("no webhook \(id) in event \(eventId)") }
    }

    /// A source's last deliveries, newest first.
    public func deliveries(sourceId: String) async throws -> [WebhookDelivery] {
        try await database.reader.raw("""
            SELECT webhook_id, received_at, outcome, error, created, updated, rejected FROM webhook_deliveries
            WHERE source_id = \(bind: sourceId) ORDER BY received_at DESC, id DESC LIMIT \(unsafeRaw: String(Self.deliveriesKept))
            """).all().map { row in
            WebhookDelivery(
                webhookId: try row.decode(column: "webhook_id", as: String.self),
                receivedAt: StoreTime.date(try row.decode(column: "received_at", as: Int64.self)),
                outcome: WebhookDelivery.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .refused,
                error: try row.decode(column: "error", as: String?.self), created: try row.decode(column: "created", as: Int.self),
                updated: try row.decode(column: "updated", as: Int.self), rejected: try row.decode(column: "rejected", as: Int.self))
        }
    }

    /// The answer given to the delivery with this `webhook-id` accepted within the last 24 h, if any.
    public func answer(sourceId: String, webhookId: String) async throws -> String? {
        try await database.reader.raw("""
            SELECT answer FROM webhook_deliveries WHERE source_id = \(bind: sourceId) AND replay_key = \(bind: webhookId)
            AND received_at > \(bind: StoreTime.millis(now().addingTimeInterval(-Self.window)))
            """).first()?.decode(column: "answer", as: String?.self)
    }

    /// Records a delivery that changed nothing (refused, or a duplicate).
    public func record(_ delivery: WebhookDelivery, sourceId: String) async throws {
        try await database.transaction { db in
            try await insert(delivery, replayKey: nil, answer: nil, sourceId: sourceId, on: db)
            try await prune(sourceId: sourceId, on: db)
        }
    }

    /// Why ``accept(sourceId:webhookId:into:_:participants:answer:)`` stored nothing: the same
    /// `webhook-id` was accepted meanwhile (a concurrent resend); its answer is the one to give.
    public struct AlreadyAccepted: Error, Sendable {
        /// The first delivery's answer.
        public var answer: String?
    }

    /// Stores a delivery's participants and records it as accepted, in one transaction: a resend
    /// racing it either waits and finds it (``AlreadyAccepted``) or is the one stored.
    ///
    /// - Parameter answer: the response body for what was stored; kept to answer resends.
    /// - Returns: what the rows did, and the answer.
    public func accept(sourceId: String, webhookId: String, into event: Event, _ rows: [ImportRow], participants: ParticipantRepository,
                       answer: @escaping @Sendable (ImportSummary) throws -> String) async throws -> (ImportSummary, answer: String) {
        let cutoff = StoreTime.millis(now().addingTimeInterval(-Self.window))
        let received = now()
        do {
            let result = try await participants.writing { db in
                // An id accepted more than 24 h ago is read anew.
                try await db.raw("""
                    UPDATE webhook_deliveries SET replay_key = NULL
                    WHERE source_id = \(bind: sourceId) AND replay_key = \(bind: webhookId) AND received_at <= \(bind: cutoff)
                    """).run()
                let delivery = try await insert(WebhookDelivery(webhookId: webhookId, receivedAt: received, outcome: .accepted),
                                                replayKey: webhookId, answer: nil, sourceId: sourceId, on: db)
                var summary = ImportSummary()
                let outcomes = try await participants.upsertBatch(into: event, rows.map(\.draft), on: db)
                for (row, outcome) in zip(rows, outcomes) {
                    switch outcome {
                    case .success(.created): summary.created += 1
                    case .success(.updated): summary.updated += 1
                    case .failure(let failure):
                        summary.rejected.append(RejectedRow(row: row.number, field: failure.issues.first?.field, error: failure.description))
                    }
                }
                let text = try answer(summary)
                try await db.raw("""
                    UPDATE webhook_deliveries SET created = \(bind: summary.created), updated = \(bind: summary.updated),
                    rejected = \(bind: summary.rejected.count), answer = \(bind: text) WHERE id = \(bind: delivery)
                    """).run()
                try await prune(sourceId: sourceId, on: db)
                return (summary, text)
            }
            return result
        } catch where error.isUniqueViolation {
            throw AlreadyAccepted(answer: try await self.answer(sourceId: sourceId, webhookId: webhookId))
        }
    }

    @discardableResult
    private func insert(_ delivery: WebhookDelivery, replayKey: String?, answer: String?, sourceId: String, on db: any SQLDatabase) async throws -> String {
        let id = ids.next()
        try await db.insert(into: "webhook_deliveries")
            .columns("id", "source_id", "webhook_id", "replay_key", "received_at", "outcome", "error", "created", "updated", "rejected", "answer")
            .values(SQLBind(id), SQLBind(sourceId), SQLBind(delivery.webhookId), SQLBind(replayKey), SQLBind(StoreTime.millis(delivery.receivedAt)),
                    SQLBind(delivery.outcome.rawValue), SQLBind(delivery.error), SQLBind(delivery.created), SQLBind(delivery.updated),
                    SQLBind(delivery.rejected), SQLBind(answer))
            .run()
        return id
    }

    /// Forgets deliveries past the last ``deliveriesKept``, except those a resend may still need.
    private func prune(sourceId: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM webhook_deliveries WHERE source_id = \(bind: sourceId)
            AND (replay_key IS NULL OR received_at <= \(bind: StoreTime.millis(now().addingTimeInterval(-Self.window))))
            AND id NOT IN (SELECT id FROM webhook_deliveries WHERE source_id = \(bind: sourceId)
                           ORDER BY received_at DESC, id DESC LIMIT \(unsafeRaw: String(Self.deliveriesKept)))
            """).run()
    }

    private func source(_ row: any SQLRow) throws -> WebhookSource {
        WebhookSource(
            id: try row.decode(column: "id", as: String.self), eventId: try row.decode(column: "event_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            fieldMap: try row.decode(column: "field_map", as: String?.self).map(Self.decode),
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self)),
            previousSecretUntil: try row.decode(column: "previous_until", as: Int64?.self).map(StoreTime.date))
    }

    private static func encode(_ map: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(map), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}

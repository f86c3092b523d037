import Foundation
import Logging
import RosterMetrics
import OpenAPIRuntime
import RosterConnector
import RosterSync
import RosterCore
import RosterStore
import RosterWeb
import Synchronization

/// The REST API: implements the protocol generated from `openapi.yaml`. Handlers translate
/// between the wire types and the domain; the rules live in `RosterCore`, the SQL in `RosterStore`.
struct RosterAPI: APIProtocol {
    let database: RosterDatabase
    let events: EventRepository
    let eventCache: EventCache
    let participants: ParticipantRepository
    /// Each event's last imports.
    let imports: ImportHistory
    /// The most rows one import reads.
    let maxImportRows: Int
    /// Webhook sources and their deliveries.
    let webhooks: WebhookRepository
    /// The most bytes a webhook delivery may have.
    let maxWebhookBytes: Int
    /// How many deliveries are read at once, and how often refusals are recorded.
    let webhookAdmission = WebhookAdmission()
    /// Single registrations and check-ins go through group commit.
    let writer: ParticipantWriter
    /// API tokens, for the admins' token routes.
    let tokens: TokenRepository
    /// Back-office users, for the admins' user routes.
    let accounts: UserAccounts
    /// The Salesforce connector of each event.
    let connectors: ConnectorService
    /// Forced runs and live sync.
    let sync: SyncService
    let syncRuns: SyncRepository
    /// Each event's sync health (`health` in the connector's answers).
    let health: SyncHealthReader
    /// Roster's public URL, when configured (else the request's own origin is used).
    let publicURL: String?
    /// Messages in the request's language (``MessageLanguage``).
    let messages: MessageTranslation
    let ids: any IDGenerator
    let now: @Sendable () -> Date
    let logger: Logger

    /// A message Roster wrote in English, in the request's language.
    func say(_ message: String) -> String { messages.translate(message, to: MessageLanguage.current) }

    /// The event, or a 404 naming it (`event_not_found`, as for an event outside the caller's).
    /// Cached: an edit made here replaces the copy at once, one made by another process is read
    /// within ``EventCache/freshFor`` seconds.
    func event(_ id: String) async throws -> Event {
        let time = now()
        if let event = eventCache.event(id, at: time) { return event }
        guard let event = try await events.find(id: id) else { throw APIError(AccessRefusal.eventNotFound(id)) }
        eventCache.keep(event, at: time)
        return event
    }

    // MARK: Events

    func createEvent(_ input: Operations.CreateEvent.Input) async throws -> Operations.CreateEvent.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let fields = (body.fields ?? []).map(FieldDefinition.init)
        let issues = Event.problems(name: body.name, startsAt: body.startsAt, endsAt: body.endsAt, timeZone: body.timeZone, fields: fields)
        guard issues.isEmpty else { throw ValidationFailure(issues) }
        let event = Event(id: ids.next(), name: body.name.trimmed(),
                          startsAt: body.startsAt, endsAt: body.endsAt, timeZone: body.timeZone.flatMap(Event.canonicalTimeZone),
                          fields: fields, createdAt: now())
        try await events.create(event)
        logger.info("event created", metadata: ["event": "\(event.id)"])
        return .created(.init(body: .json(.init(event, participantCount: 0))))
    }

    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let counts = try await events.participantCounts()
        let access = Caller.current?.access
        let items = try await events.all().filter { access?.covers(eventId: $0.id) ?? false }.map { Components.Schemas.Event($0, participantCount: counts[$0.id] ?? 0) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func updateEvent(_ input: Operations.UpdateEvent.Input) async throws -> Operations.UpdateEvent.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let eventId = input.path.eventId
        let fields = body.fields.map { $0.map(FieldDefinition.init) }
        // A field the connector's mappings or a registration tool's field map still name is not
        // removed behind their back: they are changed first.
        if let fields, let current = try await events.find(id: eventId) {
            let removed = Set(current.fields.map(\.code)).subtracting(fields.map(\.code))
            let mappings = removed.isEmpty ? ConnectorMappings() : try await connectors.view(eventId: eventId).settings.mappings
            let maps = removed.isEmpty ? [] : try await webhooks.list(eventId: eventId).compactMap { source in source.fieldMap.map { (source.name, $0) } }
            let issues = Event.references(removing: removed, mappings: mappings, webhookMaps: maps)
            guard issues.isEmpty else { throw EventEditConflict(issues) }
        }
        let updated: Event
        do {
            // Applied to the event as stored, inside the edit's transaction.
            updated = try await events.update(id: eventId) { current in
                var next = current
                if let name = body.name { next.name = name.trimmed() }
                if let startsAt = body.startsAt { next.startsAt = startsAt }
                if let endsAt = body.endsAt { next.endsAt = endsAt }
                if let timeZone = body.timeZone { next.timeZone = Event.canonicalTimeZone(timeZone) ?? timeZone }
                if let fields { next.fields = fields }
                let issues = Event.problems(name: next.name, startsAt: next.startsAt, endsAt: next.endsAt, timeZone: next.timeZone, fields: next.fields)
                guard issues.isEmpty else { throw ValidationFailure(issues) }
                return next
            }
        } catch StoreError.notFound {
            throw APIError(AccessRefusal.eventNotFound(eventId))
        }
        eventCache.keep(updated, at: now())
        logger.info("event updated", metadata: ["event": "\(updated.id)"])
        return .ok(.init(body: .json(.init(updated, participantCount: try await participants.count(eventId: updated.id)))))
    }

    func getEvent(_ input: Operations.GetEvent.Input) async throws -> Operations.GetEvent.Output {
        let event = try await event(input.path.eventId)
        let count = try await participants.count(eventId: event.id)
        return .ok(.init(body: .json(.init(event, participantCount: count))))
    }

    // MARK: Participants

    func upsertParticipant(_ input: Operations.UpsertParticipant.Input) async throws -> Operations.UpsertParticipant.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        let draft = ParticipantDraft(body)
        switch try await writer.upsert(into: event, draft) {
        case .created(let participant):
            RosterMetrics.participants(created: 1)
            return .created(.init(body: .json(try .init(Self.shown(participant, writing: draft), exclusions: try await exclusions(eventId: event.id)))))
        case .updated(let participant):
            RosterMetrics.participants(updated: 1)
            return .ok(.init(body: .json(try .init(Self.shown(participant, writing: draft), exclusions: try await exclusions(eventId: event.id)))))
        }
    }

    func getParticipant(_ input: Operations.GetParticipant.Input) async throws -> Operations.GetParticipant.Output {
        let event = try await event(input.path.eventId)
        guard let participant = try await participants.find(eventId: event.id, id: input.path.participantId) else {
            throw APIError.notFound("no participant with id '\(input.path.participantId)' in event '\(event.id)'")
        }
        return .ok(.init(body: .json(try .init(participant, exclusions: try await exclusions(eventId: event.id)))))
    }

    func updateParticipant(_ input: Operations.UpdateParticipant.Input) async throws -> Operations.UpdateParticipant.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        let draft = ParticipantDraft(body)
        let participants = self.participants
        let participantId = input.path.participantId
        let participant = try await writer.perform { db in try await participants.update(in: event, participantId: participantId, draft, on: db) }
        RosterMetrics.participants(updated: 1)
        return .ok(.init(body: .json(try .init(Self.shown(participant, writing: draft), exclusions: try await exclusions(eventId: event.id)))))
    }

    /// What the caller may see of a participant it just wrote (``Participant/shown(to:writing:)``).
    static func shown(_ participant: Participant, writing draft: ParticipantDraft) -> Participant {
        participant.shown(to: Caller.current?.access ?? Access(role: .registrar), writing: draft)
    }

    func listParticipants(_ input: Operations.ListParticipants.Input) async throws -> Operations.ListParticipants.Output {
        let (page, exclusions) = try await participantPage(eventId: input.path.eventId, query: input.query)
        return .ok(.init(body: .json(.init(
            items: try page.items.map { try Components.Schemas.Participant($0, exclusions: exclusions) },
            total: page.total,
            totalExact: page.totalExact,
            nextCursor: page.nextCursor
        ))))
    }

    /// The page sizes a participant list takes (`limit`), as openapi.yaml says.
    static let pageSizes = 1...1000

    /// The page `GET …/participants` answers with, for the generated handler and for
    /// ``ParticipantListMiddleware``, which writes the same page's JSON faster.
    /// Answers the page and the connector's exclusions its people's `salesforce.state` is judged by.
    func participantPage(eventId: String, query parameters: Operations.ListParticipants.Input.Query) async throws -> (ParticipantPage, exclusions: [String]) {
        let event = try await event(eventId)
        let limit = parameters.limit ?? 100
        let sizes = Self.pageSizes
        guard sizes.contains(limit) else {
            throw APIError(.badRequest, "invalid_parameter", "limit must be between \(sizes.lowerBound) and \(sizes.upperBound), not \(limit)",
                           details: [.init(field: "limit", row: nil, message: "between \(sizes.lowerBound) and \(sizes.upperBound)")])
        }
        var query = try ParticipantQuery(synced: parameters.synced, search: parameters.q, sort: parameters.sort)
        let exclusions = try await exclusions(eventId: event.id)
        query.salesforceState = parameters.salesforceState.flatMap { SalesforceSyncState(rawValue: $0.rawValue) }
        query.exclusions = exclusions
        return (try await participants.page(eventId: event.id, query: query, limit: limit, cursor: parameters.cursor), exclusions)
    }

    /// The event's connector exclusions (emails and `@domain`s kept out of Salesforce).
    func exclusions(eventId: String) async throws -> [String] {
        try await connectors.view(eventId: eventId).settings.exclusions
    }

    // MARK: Service

    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        do {
            try await database.ping()
        } catch {
            // Told once per outage (DatabaseAvailability), not at every probe.
            database.availability.failed(error)
            throw APIError.databaseUnavailable
        }
        database.availability.answered()
        return .ok(.init(body: .json(.init(status: "ok"))))
    }
}

/// Events by id, each kept ``freshFor`` seconds: a process reads an event edited by another one
/// that soon after, and reads an event from the database at most that often otherwise.
final class EventCache: Sendable {
    private let events = Mutex([String: (event: Event, loadedAt: Date)]())
    /// How long a copy is used before the event is read again.
    static let freshFor: TimeInterval = 5

    /// The kept copy of the event, unless it is older than ``freshFor`` at `time`.
    func event(_ id: String, at time: Date) -> Event? {
        events.withLock { events in
            guard let kept = events[id], time.timeIntervalSince(kept.loadedAt) < Self.freshFor else { return nil }
            return kept.event
        }
    }

    /// Keeps `event` as read (or written) at `time`, unless a copy read or written later is kept
    /// (a read that began before an edit must not put the old event back).
    func keep(_ event: Event, at time: Date) {
        events.withLock { events in
            if let kept = events[event.id], kept.loadedAt > time { return }
            events[event.id] = (event, time)
        }
    }
}

import Foundation
import OpenAPIRuntime
import RosterCore
import RosterStore

extension RosterAPI {
    // MARK: Managing sources

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let event = try await event(input.path.eventId)
        let items = try await webhooks.list(eventId: event.id).map { try Components.Schemas.Webhook($0, url: webhookURL($0.id)) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        let name = body.name.trimmed()
        guard !name.isEmpty else { throw ValidationFailure(field: "name", message: "a webhook needs a name (e.g. the registration tool's)") }
        guard name.unicodeScalars.count <= 100 else { throw ValidationFailure(field: "name", message: "a webhook's name has at most 100 characters") }
        if let issue = ParticipantRules.controlCharacterIssue(name, field: "name") { throw ValidationFailure([issue]) }
        var map = body.fieldMap?.additionalProperties
        if map == nil, let preset = body.preset {
            map = WebhookPreset.all.first { $0.id == preset.rawValue }?.fieldMap
        }
        if let map { _ = try WebhookFieldMap(map, fields: event.fields) }
        let (source, secret) = try await webhooks.create(eventId: event.id, name: name, fieldMap: map)
        logger.info("webhook created", metadata: ["event": "\(event.id)", "webhook": "\(source.id)"])
        let shown = try Components.Schemas.Webhook(source, url: webhookURL(source.id))
        return .created(.init(body: .json(.init(value1: shown, value2: .init(secret: secret)))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        let event = try await event(input.path.eventId)
        try await webhooks.delete(eventId: event.id, id: input.path.webhookId)
        logger.info("webhook deleted", metadata: ["event": "\(event.id)", "webhook": "\(input.path.webhookId)"])
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        let event = try await event(input.path.eventId)
        let (secret, until) = try await webhooks.rotate(eventId: event.id, id: input.path.webhookId)
        logger.info("webhook secret rotated", metadata: ["event": "\(event.id)", "webhook": "\(input.path.webhookId)"])
        return .ok(.init(body: .json(.init(secret: secret, previousSecretValidUntil: until))))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let event = try await event(input.path.eventId)
        guard try await webhooks.list(eventId: event.id).contains(where: { $0.id == input.path.webhookId }) else {
            throw APIError.notFound("no webhook \(input.path.webhookId) in event \(event.id)")
        }
        let items = try await webhooks.deliveries(sourceId: input.path.webhookId).map(Components.Schemas.WebhookDelivery.init)
        return .ok(.init(body: .json(.init(items: items))))
    }

    /// Where a source's deliveries go: Roster's public URL, else the loopback origin this request
    /// came to, else the path alone (relative to wherever the tool reaches Roster: a `Host` that is
    /// not loopback is the client's to write, never taken as Roster's address).
    func webhookURL(_ id: String) -> String {
        (publicURL ?? RequestOrigin.current ?? "") + "/hooks/" + id
    }
}

extension Components.Schemas.Webhook {
    init(_ source: WebhookSource, url: String) throws {
        self.init(id: source.id, name: source.name, url: url,
                  fieldMap: source.fieldMap.map { .init(additionalProperties: $0) },
                  createdAt: source.createdAt, previousSecretValidUntil: source.previousSecretUntil)
    }
}

extension Components.Schemas.Webhook: EncodesEveryKey {
    /// `"fieldMap": null` for a source that reads participant bodies.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.WebhookDelivery {
    init(_ delivery: WebhookDelivery) {
        self.init(webhookId: delivery.webhookId, receivedAt: delivery.receivedAt, outcome: .init(rawValue: delivery.outcome.rawValue) ?? .refused,
                  error: delivery.error, created: delivery.created, updated: delivery.updated, rejected: delivery.rejected)
    }
}

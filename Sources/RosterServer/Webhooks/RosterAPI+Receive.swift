import Foundation
import OpenAPIRuntime
import RosterCore
import RosterFiles
import RosterMetrics
import RosterStore

extension RosterAPI {
    /// The most participants one delivery may carry.
    static let maxDeliveryRows = 1_000

    /// `POST /hooks/{webhookId}`: a registration tool's delivery. Outside the bearer-token group,
    /// so everything here holds for an anonymous caller: at most ``WebhookAdmission/concurrentDeliveries``
    /// are read at once; the headers are checked before the body is read, and the body only up
    /// to its limit; an unknown source and a wrong signature get the same 401 after the same
    /// work (two HMACs); nothing is stored before the signature is checked (a refusal is
    /// recorded in the source's history at most every 10 s); a resend within 24 h changes nothing.
    func receiveWebhook(_ input: Operations.ReceiveWebhook.Input) async throws -> Operations.ReceiveWebhook.Output {
        guard webhookAdmission.inFlight.enter(limit: WebhookAdmission.concurrentDeliveries) else {
            throw APIError(.serviceUnavailable, "unavailable", "too many deliveries are being read at once; send it again in a moment")
        }
        defer { webhookAdmission.inFlight.leave() }
        guard case .any(let stream) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        if case .known(let length) = stream.length, length > maxWebhookBytes { throw APIError.tooLarge(maxWebhookBytes) }
        let signature = StandardWebhookSignature(id: input.headers.webhookId, timestamp: input.headers.webhookTimestamp,
                                                 signatures: input.headers.webhookSignature)
        let received = now()
        let signing = try await webhooks.signing(id: input.path.webhookId)
        do {
            try signature.checkHeaders(now: received)
            let body: [UInt8]
            do {
                body = Array(try await ArraySlice(collecting: stream, upTo: maxWebhookBytes))
            } catch {
                throw APIError.tooLarge(maxWebhookBytes)
            }
            // An unknown source is checked against keys nobody has, and a known one against two
            // keys at least: the same answer, after the same work.
            var keys = signing?.secrets ?? [WebhookKeys.unknown]
            if keys.count < 2 { keys.append(WebhookKeys.unknown) }
            try signature.verify(body: body, secrets: keys, now: received)
            guard let (source, _) = signing, let webhookId = input.headers.webhookId else { throw StandardWebhookSignature.Refusal.noMatch }
            return try await deliver(body, webhookId: webhookId, source: source, received: received)
        } catch let refusal as StandardWebhookSignature.Refusal {
            if let source = signing?.0, webhookAdmission.recordsRefusal(for: source.id, at: received) {
                let shownId = String((input.headers.webhookId ?? "").unicodeScalars.filter { !ParticipantRules.isControl($0) }.prefix(100))
                try await webhooks.record(WebhookDelivery(webhookId: shownId, receivedAt: received, outcome: .refused, error: refusal.description),
                                          sourceId: source.id)
            }
            logger.notice("webhook delivery refused", metadata: ["webhook": "\(input.path.webhookId.prefix(64))", "reason": "\(refusal.description)"])
            throw APIError(.unauthorized, "invalid_signature", "the delivery is not signed by this webhook's secret: \(refusal.description)")
        }
    }

    /// A signed delivery: answered from the first time when its `webhook-id` was accepted in the
    /// last 24 h, else its participants stored with the delivery, in one transaction.
    private func deliver(_ body: [UInt8], webhookId: String, source: WebhookSource, received: Date) async throws -> Operations.ReceiveWebhook.Output {
        if let answer = try await webhooks.answer(sourceId: source.id, webhookId: webhookId) {
            return try await duplicate(answer, webhookId: webhookId, source: source, received: received)
        }
        let event = try await event(source.eventId)
        let rows: [ImportRow]
        do {
            rows = try Self.rows(of: body, source: source, event: event)
        } catch let error as APIError {
            try await webhooks.record(WebhookDelivery(webhookId: webhookId, receivedAt: received, outcome: .refused, error: error.message), sourceId: source.id)
            throw error
        }
        do {
            let (summary, answer) = try await webhooks.accept(sourceId: source.id, webhookId: webhookId, into: event, rows, participants: participants) { summary in
                String(decoding: try Self.encoded(Components.Schemas.WebhookResult(summary)), as: UTF8.self)
            }
            RosterMetrics.participants(created: summary.created, updated: summary.updated, rejected: summary.rejected.count)
            logger.info("webhook delivery", metadata: ["event": "\(event.id)", "webhook": "\(source.id)", "created": "\(summary.created)",
                                                       "updated": "\(summary.updated)", "rejected": "\(summary.rejected.count)"])
            return .ok(.init(body: .json(try Self.decoded(answer))))
        } catch let race as WebhookRepository.AlreadyAccepted {
            return try await duplicate(race.answer ?? "{}", webhookId: webhookId, source: source, received: received)
        }
    }

    private func duplicate(_ answer: String, webhookId: String, source: WebhookSource, received: Date) async throws -> Operations.ReceiveWebhook.Output {
        try await webhooks.record(WebhookDelivery(webhookId: webhookId, receivedAt: received, outcome: .duplicate), sourceId: source.id)
        return .ok(.init(body: .json(try Self.decoded(answer))))
    }

    /// The participants a delivery carries: one object or an array of at most 1,000, each read
    /// through the source's field map (or as a participant body without one).
    static func rows(of body: [UInt8], source: WebhookSource, event: Event) throws -> [ImportRow] {
        var reader = JSONArrayReader()
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let elements: [JSONArrayReader.Element]
        do {
            // One object is read as an array of one.
            elements = trimmed.first == UInt8(ascii: "{") ? try reader.read(Array("[".utf8) + trimmed + Array("]".utf8)) + reader.finish()
                : try reader.read(trimmed) + reader.finish()
        } catch {
            throw APIError(.badRequest, "invalid_json", "the delivery must be a JSON object or an array of objects: \(error.description)")
        }
        guard elements.count <= maxDeliveryRows else {
            throw APIError(.contentTooLarge, "payload_too_large", "a delivery carries at most \(maxDeliveryRows) participants; this one has \(elements.count): send them in several deliveries")
        }
        let map: WebhookFieldMap?
        do { map = try source.fieldMap.map { map throws(ValidationFailure) in try WebhookFieldMap(map, fields: event.fields) } } catch {
            throw APIError(.unprocessableContent, "invalid_field_map", "this webhook's field map no longer fits the event: \(error.description); an organiser must correct it")
        }
        return elements.map { element in
            switch element.value {
            case .success(let value):
                if let map { return ImportRow(number: element.number, draft: map.draft(from: value)) }
                if case .object(let record) = value { return ImportRow(number: element.number, draft: ParticipantDraft(record: record)) }
                var draft = ParticipantDraft()
                draft.readingIssues = [.init(field: "row", message: "element \(element.number) is \(value.kind), not a participant object")]
                return ImportRow(number: element.number, draft: draft)
            case .failure(let failure):
                var draft = ParticipantDraft()
                draft.readingIssues = failure.issues
                return ImportRow(number: element.number, draft: draft)
            }
        }
    }

    static func encoded(_ result: Components.Schemas.WebhookResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(result)
    }

    static func decoded(_ answer: String) throws -> Components.Schemas.WebhookResult {
        try JSONDecoder().decode(Components.Schemas.WebhookResult.self, from: Data(answer.utf8))
    }
}

extension Components.Schemas.WebhookResult {
    init(_ summary: ImportSummary) {
        self.init(created: summary.created, updated: summary.updated,
                  rejected: summary.rejected.prefix(ImportTally.rejectionsShown).map { .init(row: $0.row, error: $0.error, field: $0.field) },
                  rejectedCount: summary.rejected.count)
    }
}

/// A key no source has, for checking deliveries to unknown sources as if they had one.
enum WebhookKeys {
    static let unknown = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
}

import Foundation
import OpenAPIRuntime
import RosterFiles
import RosterStore
import RosterConnector
import RosterCore
import SalesforceClient

/// The routes the connector screen edits with: the campaign lookup behind the red outline (S12),
/// the mapping editor's field catalog and validation (S18, S34), a run's per-person results and
/// the live queue (S19, S64). Scripts may use them too (S61).
extension RosterAPI {
    func lookupSalesforceCampaign(_ input: Operations.LookupSalesforceCampaign.Input) async throws -> Operations.LookupSalesforceCampaign.Output {
        let event = try await event(input.path.eventId)
        let lookup = try await connectors.lookupCampaign(eventId: event.id, name: input.query.name)
        return .ok(.init(body: .json(.init(
            name: lookup.name, matches: lookup.matches,
            campaign: lookup.campaign.map { .init(id: $0.id, name: $0.name, statuses: $0.statuses) },
            suggestions: lookup.suggestions
        ))))
    }

    func getSalesforceFieldCatalog(_ input: Operations.GetSalesforceFieldCatalog.Input) async throws -> Operations.GetSalesforceFieldCatalog.Output {
        let event = try await event(input.path.eventId)
        let catalog = try await connectors.fieldCatalog(event: event)
        func byObject<Value>(_ values: [MappingTarget: Value]) -> [String: Value] {
            Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
        }
        let participants = catalog.participantFields.map { field in
            Components.Schemas.CatalogParticipantField(
                code: field.info.code, label: field.info.isBuiltIn ? say(field.info.label) : field.info.label, _type: field.info.type.rawValue,
                maxLength: field.info.maxLength, syncable: field.unsyncableReason == nil, reason: field.unsyncableReason.map(say),
                compatible: .init(additionalProperties: byObject(field.compatible)))
        }
        let salesforce = catalog.salesforceFields.mapValues { fields in
            fields.map { field in
                Components.Schemas.CatalogSalesforceField(
                    name: field.describe.name, label: field.describe.label, _type: field.describe.type,
                    typeLabel: say(FieldCompatibility.label(field.describe.type)), length: field.describe.length > 0 ? field.describe.length : nil,
                    writable: field.readOnlyReason == nil, reason: field.readOnlyReason.map(say))
            }
        }
        return .ok(.init(body: .json(.init(participantFields: participants, salesforceFields: .init(additionalProperties: byObject(salesforce)),
                                           salesforceError: catalog.salesforceError))))
    }

    func validateSalesforceMapping(_ input: Operations.ValidateSalesforceMapping.Input) async throws -> Operations.ValidateSalesforceMapping.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        guard let target = MappingTarget(rawValue: body.object.rawValue) else { throw APIError.notFound("no mapping object '\(body.object.rawValue)'") }
        // Through JSON text, so the value arrives as the Foundation types the mapping parser reads.
        let value = try JSONSerialization.jsonObject(with: JSONEncoder().encode(body.mapping), options: .fragmentsAllowed)
        let mapping = try FieldMapping.parse(value, path: "mappings.\(target.rawValue)")
        let (errors, warnings) = try await connectors.validateMapping(event: event, target: target, mapping: mapping)
        return .ok(.init(body: .json(.init(errors: errors.map(issue), warnings: warnings.map(issue)))))
    }

    func getSalesforceRunResults(_ input: Operations.GetSalesforceRunResults.Input) async throws -> Operations.GetSalesforceRunResults.Output {
        let event = try await event(input.path.eventId)
        guard let run = try await syncRuns.run(id: input.path.runId), run.eventId == event.id else {
            throw APIError.notFound("no sync run '\(input.path.runId)' in event '\(event.id)'")
        }
        let limit = input.query.limit ?? 500
        guard (1...1000).contains(limit) else {
            throw APIError(.badRequest, "invalid_parameter", "limit must be a whole number from 1 to 1000", details: [.init(field: "limit", row: nil, message: "from 1 to 1000")])
        }
        if let after = input.query.after, after < 0 {
            throw APIError(.badRequest, "invalid_parameter", "after must be the nextAfter of a page (0 or more)", details: [.init(field: "after", row: nil, message: "0 or more")])
        }
        if input.query.format == .csv {
            // A download of every line, emails included, is an export (API.md: viewers have none).
            let access = Caller.current?.access ?? Access(role: .viewer)
            if let refusal = access.refusal(.exportParticipants, eventId: event.id) { throw APIError(refusal) }
            return resultsCSV(run, outcome: input.query.outcome?.rawValue)
        }
        let page = try await syncRuns.results(runId: run.id, outcome: input.query.outcome?.rawValue, limit: limit, after: input.query.after)
        let items = page.lines.map { line in
            Components.Schemas.SyncRunResult(participantId: line.participantId, email: line.email, at: line.entry.at, operation: line.entry.operation,
                                             object: line.entry.object, recordId: line.entry.recordId, outcome: line.entry.outcome, error: line.entry.error)
        }
        return .ok(.init(body: .json(.init(items: items, total: page.total, nextAfter: page.nextAfter))))
    }

    /// Every line of a run as CSV, read a thousand at a time while it is sent.
    func resultsCSV(_ run: SyncRun, outcome: String?) -> Operations.GetSalesforceRunResults.Output {
        let writer = CSVExportWriter()
        let header = ["at", "email", "participantId", "operation", "object", "recordId", "outcome", "error"]
        let results = syncRuns
        let position = ResultsCursor()
        let body = AsyncThrowingStream<ArraySlice<UInt8>, any Error> {
            let after: Int64?
            switch await position.take() {
            case .done: return nil
            case .header: return ArraySlice(writer.encode(rows: [header]) + Data("\r\n".utf8))
            case .page(let from): after = from
            }
            let page = try await results.results(runId: run.id, outcome: outcome, limit: 1000, after: after, counting: false)
            await position.set(page.nextAfter)
            if page.lines.isEmpty { return [] }
            let rows = page.lines.map { line in
                [RFC3339.string(from: line.entry.at), line.email, line.participantId, line.entry.operation, line.entry.object,
                 line.entry.recordId ?? "", line.entry.outcome, line.entry.error ?? ""]
            }
            return ArraySlice(writer.encode(rows: rows) + Data("\r\n".utf8))
        }
        let name = "sync-\(run.dryRun ? "dry-run-" : "")\(run.id)" + (outcome.map { "-\($0)" } ?? "")
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"\(name).csv\""),
                         body: .csv(HTTPBody(body, length: .unknown, iterationBehavior: .single))))
    }

    func getSalesforceLiveQueue(_ input: Operations.GetSalesforceLiveQueue.Input) async throws -> Operations.GetSalesforceLiveQueue.Output {
        let event = try await event(input.path.eventId)
        let queue = try await syncRuns.outbox.queue(eventId: event.id)
        return .ok(.init(body: .json(.init(pending: queue.pending, lagSeconds: queue.lagSeconds))))
    }
}

extension RosterAPI {
    /// A check finding as the API shows it, its message in the request's language.
    func issue(_ issue: CheckIssue) -> Components.Schemas.CheckIssue {
        Components.Schemas.CheckIssue(code: issue.code, field: issue.field, message: say(issue.message))
    }
}

/// Where a results download stands: the header to send, a page to read (after a line id, or
/// from the start), or done.
private actor ResultsCursor {
    enum Step { case header, page(after: Int64?), done }
    private var step = Step.header

    /// The step to take now; the header's is taken once.
    func take() -> Step {
        defer { if case .header = step { step = .page(after: nil) } }
        return step
    }

    /// After a page: the next one, or done when it was the last.
    func set(_ next: Int64?) { step = next.map { .page(after: $0) } ?? .done }
}

import Foundation
import RosterStore
import RosterSync

/// Forced syncs, their runs, and each participant's sync history.
extension RosterAPI {
    func startSalesforceSync(_ input: Operations.StartSalesforceSync.Input) async throws -> Operations.StartSalesforceSync.Output {
        let event = try await event(input.path.eventId)
        var dryRun = false
        if case .json(let body)? = input.body { dryRun = body.dryRun ?? false }
        let run = try await sync.enqueue(eventId: event.id, dryRun: dryRun, startedBy: Caller.current?.name)
        logger.info("forced sync queued", metadata: ["event": "\(event.id)", "run": "\(run.id)", "dryRun": "\(dryRun)"])
        return .accepted(.init(body: .json(.init(runId: run.id))))
    }

    func listSalesforceRuns(_ input: Operations.ListSalesforceRuns.Input) async throws -> Operations.ListSalesforceRuns.Output {
        let event = try await event(input.path.eventId)
        return .ok(.init(body: .json(.init(items: try await syncRuns.runs(eventId: event.id).map(Components.Schemas.SyncRun.init)))))
    }

    func getSalesforceRun(_ input: Operations.GetSalesforceRun.Input) async throws -> Operations.GetSalesforceRun.Output {
        let event = try await event(input.path.eventId)
        guard let run = try await syncRuns.run(id: input.path.runId), run.eventId == event.id else {
            throw APIError.notFound("no sync run '\(input.path.runId)' in event '\(event.id)'")
        }
        return .ok(.init(body: .json(.init(run))))
    }

    func cancelSalesforceRun(_ input: Operations.CancelSalesforceRun.Input) async throws -> Operations.CancelSalesforceRun.Output {
        let event = try await event(input.path.eventId)
        guard let run = try await syncRuns.cancel(runId: input.path.runId, eventId: event.id, at: now()) else {
            throw APIError.notFound("no sync run '\(input.path.runId)' in event '\(event.id)'")
        }
        logger.info("sync run cancel requested", metadata: ["event": "\(event.id)", "run": "\(run.id)", "state": "\(run.state.rawValue)"])
        return .ok(.init(body: .json(.init(run))))
    }

    func retryParticipantSalesforce(_ input: Operations.RetryParticipantSalesforce.Input) async throws -> Operations.RetryParticipantSalesforce.Output {
        let event = try await event(input.path.eventId)
        guard try await participants.find(eventId: event.id, id: input.path.participantId) != nil else {
            throw APIError.notFound("no participant with id '\(input.path.participantId)' in event '\(event.id)'")
        }
        let queued = try await syncRuns.outbox.retryErrors(eventId: event.id, participantId: input.path.participantId)
        sync.retryNow(eventId: event.id)
        return .accepted(.init(body: .json(.init(queued: queued))))
    }

    func retrySalesforceErrors(_ input: Operations.RetrySalesforceErrors.Input) async throws -> Operations.RetrySalesforceErrors.Output {
        let event = try await event(input.path.eventId)
        let queued = try await syncRuns.outbox.retryErrors(eventId: event.id)
        sync.retryNow(eventId: event.id)
        logger.info("people in error queued again", metadata: ["event": "\(event.id)", "queued": "\(queued)"])
        return .accepted(.init(body: .json(.init(queued: queued))))
    }

    func getParticipantSalesforceHistory(_ input: Operations.GetParticipantSalesforceHistory.Input) async throws -> Operations.GetParticipantSalesforceHistory.Output {
        let event = try await event(input.path.eventId)
        guard try await participants.find(eventId: event.id, id: input.path.participantId) != nil else {
            throw APIError.notFound("no participant with id '\(input.path.participantId)' in event '\(event.id)'")
        }
        let items = try await syncRuns.history(participantId: input.path.participantId).map {
            Components.Schemas.SyncHistoryEntry(at: $0.at, runId: $0.runId, operation: $0.operation, object: $0.object,
                                                recordId: $0.recordId, outcome: $0.outcome, error: $0.error)
        }
        return .ok(.init(body: .json(.init(items: items))))
    }
}

extension Components.Schemas.SyncRun {
    init(_ run: SyncRun) {
        self.init(id: run.id, state: .init(rawValue: run.state.rawValue) ?? .failed, pausedReason: run.pausedReason, dryRun: run.dryRun,
                  total: run.total, processed: run.processed, created: run.created, updated: run.updated, linked: run.linked,
                  unchanged: run.unchanged, failed: run.failed, apiCalls: run.apiCalls, startedAt: run.startedAt, finishedAt: run.finishedAt,
                  errors: run.errors.map { .init(participantId: $0.participantId, email: $0.email, message: $0.message) },
                  batchSizes: .init(additionalProperties: run.batchSizes),
                  // Who started it: for those who run the connector, not every viewer of the history.
                  startedBy: Caller.current?.access.allows(.manageConnector) == true ? run.startedBy : nil)
    }
}

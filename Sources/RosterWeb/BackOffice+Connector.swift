import Foundation
import Hummingbird
import RosterConnector
import RosterCore
import RosterStore

/// Configuration › Third-party integrations › Salesforce, and the sync history.
extension BackOffice {
    /// The connector screen. Its script reads and writes the settings through the REST API, so
    /// the page carries only the event and the words.
    func connectorPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .manageConnector) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        var context = layout(page, title: localization.text("connector_title", page.language) + " — " + event.name)
        // This page shows the connection itself, with its own alert.
        context["event"] = Self.eventContext(event)
        context["mappingObjects"] = MappingTarget.allCases.map { target -> [String: Any] in
            ["object": target.rawValue, "label": localization.text("connector_mapping_\(target.rawValue)", page.language)]
        }
        return try html("connector", context)
    }

    /// Runs with their counters and first errors, and the live queue (S64).
    func historyPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .readRuns) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        let queue = try await dependencies.syncRuns.outbox.queue(eventId: event.id)
        var context = layout(page, title: localization.text("history_title", page.language) + " — " + event.name)
        context["event"] = try await eventContext(event, page)
        context["queuePending"] = queue.pending
        context["queueLag"] = String(format: "%.1f", queue.lagSeconds)
        context["runs"] = try await dependencies.syncRuns.runs(eventId: event.id).map { run -> [String: Any] in
            Self.present([
                "id": run.id, "state": localization.text("run_\(run.state.rawValue)", page.language), "stateCode": run.state.rawValue,
                "dryRun": run.dryRun, "pausedReason": run.pausedReason ?? "",
                "startedAt": Self.display(run.startedAt ?? run.createdAt), "startedAtISO": Self.iso(run.startedAt ?? run.createdAt),
                "finishedAt": Self.display(run.finishedAt),
                "total": run.total, "processed": run.processed, "created": run.created, "updated": run.updated, "linked": run.linked,
                "unchanged": run.unchanged, "failed": run.failed, "apiCalls": run.apiCalls,
                "errors": run.errors.map { ["email": $0.email, "message": $0.message, "href": "/events/\(event.id)/participants/\($0.participantId)"] },
                "hasErrors": !run.errors.isEmpty,
            ])
        }
        context["noRuns"] = (context["runs"] as? [Any])?.isEmpty ?? true
        return try html("history", context)
    }
}

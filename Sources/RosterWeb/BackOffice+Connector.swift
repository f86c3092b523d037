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
        let runs = try await dependencies.syncRuns.runs(eventId: event.id).map { run -> [String: Any] in
            var meta: [String] = []
            if let who = run.startedBy, page.session.access.allows(.manageConnector) { meta.append(localization.text("run_started_by", page.language, ["who": who])) }
            if let started = run.startedAt, let finished = run.finishedAt {
                let seconds = finished.timeIntervalSince(started)
                meta.append(localization.text("run_duration", page.language, ["seconds": String(format: "%.1f", max(0, seconds))]))
            }
            return Self.present([
                "id": run.id, "state": localization.text("run_\(run.state.rawValue)", page.language), "stateCode": run.state.rawValue,
                "dryRun": run.dryRun, "pausedReason": localization.message(run.pausedReason ?? "", page.language), "meta": meta.joined(separator: " · "),
                "startedAt": Self.display(run.startedAt ?? run.createdAt), "startedAtISO": Self.iso(run.startedAt ?? run.createdAt),
                "total": run.total, "processed": run.processed, "created": run.created, "updated": run.updated, "linked": run.linked,
                "unchanged": run.unchanged, "failed": run.failed, "apiCalls": run.apiCalls,
                "csvHref": "/api/v1/events/\(event.id)/connectors/salesforce/runs/\(run.id)/results?format=csv",
                "errors": run.errors.map { ["email": $0.email, "message": explain($0.message, page.language, instanceUrl: nil).sentence,
                                            "href": "/events/\(event.id)/participants/\($0.participantId)"] },
                "hasErrors": !run.errors.isEmpty,
            ])
        }
        // The live sync's failures, beside the runs': who, when, what Salesforce said.
        let failures = try await dependencies.syncRuns.liveFailures(eventId: event.id, limit: 50).map { line -> [String: Any] in
            ["email": line.email, "href": "/events/\(event.id)/participants/\(line.participantId)",
             "at": Self.display(line.entry.at), "atISO": Self.iso(line.entry.at),
             "message": explain(line.entry.error ?? "", page.language, instanceUrl: nil).sentence]
        }
        context["liveFailures"] = failures
        context["hasLiveFailures"] = !failures.isEmpty
        // Who erased whom (by id: the person's data is gone) and when.
        let erasures = try await dependencies.participants.erasures(eventId: event.id).map { erasure -> [String: Any] in
            var text = localization.text("history_erasure_line", page.language, ["id": erasure.participantId, "by": erasure.erasedBy ?? "?"])
            if erasure.campaignMember != .none { text += " · " + localization.text("history_erasure_\(erasure.campaignMember.rawValue)", page.language) }
            return ["at": Self.display(erasure.erasedAt), "atISO": Self.iso(erasure.erasedAt), "text": text]
        }
        context["erasures"] = erasures
        context["hasErasures"] = !erasures.isEmpty
        // Previews apart: what a dry run planned is not what happened.
        context["runs"] = runs.filter { $0["dryRun"] as? Bool != true }
        context["dryRuns"] = runs.filter { $0["dryRun"] as? Bool == true }
        context["hasDryRuns"] = runs.contains { $0["dryRun"] as? Bool == true }
        context["noRuns"] = runs.isEmpty
        return try html("history", context)
    }
}

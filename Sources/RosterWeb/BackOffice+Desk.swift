import Foundation
import Hummingbird
import RosterCore

/// The check-in desk (issue 30): the page registrars work in. Its script searches and checks
/// people in through the REST API (`GET …/desk`, `PATCH …/participants/{id}`).
extension BackOffice {
    func deskPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .checkIn) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        let counts = try await dependencies.participants.deskCounts(eventId: event.id)
        var context = layout(page, title: localization.text("desk_title", page.language) + " — " + event.name)
        context["event"] = try await eventContext(event, page)
        context["participants"] = counts.participants
        context["checkedIn"] = counts.checkedIn
        return try html("desk", context)
    }
}

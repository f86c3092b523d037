import Foundation
import Hummingbird
import RosterCore

/// Editing an event: its name, dates, time zone and participant fields, through
/// `PATCH /api/v1/events/{eventId}` from the page's script (the same form as a new event's).
extension BackOffice {
    func eventEditPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .updateEvents) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        var context = layout(page, title: localization.text("events_edit", page.language) + " — " + event.name)
        context["event"] = try await eventContext(event, page)
        context["fieldTypes"] = fieldTypes(page.language)
        // The dates as the form's `datetime-local` inputs take them: the wall time in the event's
        // zone (UTC when it has none), which the script turns back into an instant in that zone.
        let zone = event.timeZone.flatMap(TimeZone.init(identifier:)) ?? .gmt
        context["edit"] = Self.present(["name": event.name, "timeZone": event.timeZone ?? "",
                                        "starts": Self.wallTime(event.startsAt, in: zone), "ends": Self.wallTime(event.endsAt, in: zone)])
        context["fieldsJSON"] = Self.scriptJSON(event.fields)
        return try html("event-edit", context)
    }

    /// The field types for the form's choice, in the page's language.
    func fieldTypes(_ language: Language) -> [[String: String]] {
        FieldType.allCases.map { ["value": $0.rawValue, "label": localization.text("type_\($0.rawValue)", language)] }
    }

    /// `2026-05-01T09:00`, the instant's wall time in `zone`; empty for none.
    static func wallTime(_ date: Date?, in zone: TimeZone) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}

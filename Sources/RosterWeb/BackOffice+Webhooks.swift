import Foundation
import Hummingbird
import RosterCore

/// The registration tools that deliver to an event (its webhook sources): made, rotated,
/// deleted and watched through the REST API by the page's script; the page gives it the presets.
extension BackOffice {
    func webhooksPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .manageWebhooks) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        var context = layout(page, title: localization.text("webhooks_title", page.language) + " — " + event.name)
        context["event"] = try await eventContext(event, page)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        context["presets"] = WebhookPreset.all.map { preset -> [String: Any] in
            let map = (try? encoder.encode(preset.fieldMap)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return ["id": preset.id, "name": preset.name, "mapJSON": map]
        }
        context["fieldKeys"] = (WebhookFieldMap.builtInKeys + event.fields.map { "fields.\($0.code)" }).joined(separator: ", ")
        return try html("webhooks", context)
    }
}

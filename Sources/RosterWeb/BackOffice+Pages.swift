import Foundation
import Hummingbird
import RosterConnector
import RosterCore
import RosterFiles
import RosterStore
import SalesforceClient

/// Events, an event's home, the participant grid and a participant.
extension BackOffice {
    func eventsPage(_ page: PageRequest) async throws -> Response {
        let counts = try await dependencies.events.participantCounts()
        var context = layout(page, title: localization.text("events_title", page.language))
        context["events"] = try await dependencies.events.all().filter { page.session.access.covers(eventId: $0.id) }.map { event -> [String: Any] in
            var context = Self.eventContext(event)
            context["participants"] = counts[event.id] ?? 0
            context["href"] = Self.deskOnly(page.session.access) ? "/events/\(event.id)/desk" : "/events/\(event.id)"
            return context
        }
        context["fieldTypes"] = fieldTypes(page.language)
        return try html("events", context)
    }

    func eventPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .readEvent) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        let counts = try await dependencies.participants.counts(eventId: event.id)
        // People erased on request still count as registered and checked in: erasing someone
        // never rewrites the event's figures.
        let erased = try await dependencies.participants.erasedCounts(eventId: event.id)
        let connection = try await dependencies.connectors.view(eventId: event.id).connection
        var context = layout(page, title: event.name)
        context["event"] = try await eventContext(event, page)
        context["counts"] = Self.present(["participants": counts.participants, "registered": counts.registered + erased.registered,
                                          "attended": counts.attended + erased.attended, "synced": counts.synced,
                                          "erased": erased.erased == 0 ? "" : String(erased.erased)])
        context["connectionState"] = localization.text("connection_\(connection.state.rawValue)", page.language)
        return try html("event", context)
    }

    /// A history code (`member_create`, `succeeded`…) in the page's language; the code itself
    /// when it has no label.
    func label(_ prefix: String, _ code: String, _ language: Language) -> String {
        let key = prefix + code
        let text = localization.text(key, language)
        return text == key ? code : text
    }

    /// The grid (S4): search, sort, the sync-date filter with its count, keyset pages of 50.
    func participantsPage(_ page: PageRequest, eventId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .readParticipants) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        let parameters = FormEncoding.parameters(page.request.uri.query)
        let search = parameters["q"] ?? ""
        let syncedFilter = parameters["synced"] ?? ""
        let synced: Bool? = syncedFilter == "set" ? true : syncedFilter == "notset" ? false : nil
        var query = (try? ParticipantQuery(synced: synced, search: search, sort: parameters["sort"])) ?? ParticipantQuery(synced: synced, search: search)
        let exclusions = try await dependencies.connectors.view(eventId: event.id).settings.exclusions
        let stateFilter = parameters["state"].flatMap(SalesforceSyncState.init(rawValue:))
        query.salesforceState = stateFilter
        query.exclusions = exclusions
        let cursor = parameters["cursor"]
        // The event's own fields the user chose to see as columns, in the event's order.
        let chosen = Set((parameters["cols"] ?? "").split(separator: ",").map(String.init))
        let fieldColumns = event.fields.filter { chosen.contains($0.code) }
        let columnsParameter = fieldColumns.map(\.code).joined(separator: ",")
        let result: ParticipantPage
        do {
            result = try await dependencies.participants.page(eventId: event.id, query: query, limit: Self.pageSize, cursor: cursor)
        } catch is ParticipantQueryError {
            result = try await dependencies.participants.page(eventId: event.id, query: query, limit: Self.pageSize, cursor: nil)
        }

        // The page number travels with the cursor (keyset pages have no offset to count from).
        // Bounded: a page number is only a label, and no event has a million pages of 50.
        let pageNumber = cursor == nil ? 1 : min(max(2, Int(parameters["page"] ?? "") ?? 2), 1_000_000)
        func link(sort: String? = nil, cursor: String? = nil, page: Int? = nil) -> String {
            var items = [("q", search), ("synced", syncedFilter), ("state", stateFilter?.rawValue ?? ""), ("sort", sort ?? query.sortParameter),
                         ("cols", columnsParameter)]
            if let cursor, let page { items += [("cursor", cursor), ("page", String(page))] }
            let query = items.filter { !$0.1.isEmpty && !($0.0 == "sort" && $0.1 == "created") }
                .map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
            return "/events/\(event.id)/participants" + (query.isEmpty ? "" : "?\(query)")
        }
        func column(_ sort: ParticipantQuery.Sort, _ key: String) -> [String: Any] {
            let active = query.sort == sort
            let next = active && !query.descending ? "-\(sort.rawValue)" : sort.rawValue
            return ["label": localization.text(key, page.language), "href": link(sort: next), "active": active,
                    "ariaSort": active ? (query.descending ? "descending" : "ascending") : "none"]
        }

        var context = layout(page, title: localization.text("grid_title", page.language) + " — " + event.name)
        context["event"] = try await eventContext(event, page)
        context["q"] = search
        context["erasedNotice"] = parameters["erased"] == "1"
        context["templateHref"] = "data:text/csv;charset=utf-8," + Self.percentEncoded(ImportColumns.template(fields: event.fields))
        context["importFieldsJSON"] = importFieldsJSON(event, page.language)
        context["syncedAll"] = synced == nil
        context["syncedSet"] = synced == true
        context["syncedNotSet"] = synced == false
        context["sort"] = query.sortParameter
        context["total"] = result.total
        context["countText"] = localization.text(synced == true ? "grid_count_synced" : synced == false ? "grid_count_not_synced" : "grid_count",
                                                 page.language, ["count": String(result.total) + (result.totalExact ? "" : "+")])
        context["columns"] = ["lastName": column(.lastName, "grid_name"), "email": column(.email, "grid_email"), "created": column(.created, "grid_registered_at")]
        context["fieldColumns"] = event.fields.map { ["code": $0.code, "label": $0.label, "shown": chosen.contains($0.code)] }
        context["hasFieldColumns"] = !event.fields.isEmpty
        context["shownFields"] = fieldColumns.map { ["label": $0.label] }
        if !columnsParameter.isEmpty { context["cols"] = columnsParameter }
        context["syncedParameter"] = syncedFilter
        context["stateParameter"] = stateFilter?.rawValue ?? ""
        // The state filter's choices with how many people each holds (one pass over the event);
        // the page's own 2-s refresh replaces only its live regions, so it skips the count.
        let stateCounts = page.request.headers[.init("X-Roster-Live")!] == nil
            ? try await dependencies.participants.stateCounts(eventId: event.id, exclusions: exclusions) : [:]
        context["states"] = SalesforceSyncState.allCases.map { state -> [String: Any] in
            let label = localization.text("state_\(state.rawValue)", page.language)
            return ["value": state.rawValue, "selected": state == stateFilter,
                    "label": stateCounts[state].map { "\(label) (\($0))" } ?? label]
        }
        context["stateAll"] = stateFilter == nil
        context["form"] = participantForm(event, nil, page.language)
        context["rows"] = result.items.map { participant -> [String: Any] in
            Self.present([
                "id": participant.id, "name": Self.name(participant), "email": participant.email, "company": participant.company,
                "href": "/events/\(event.id)/participants/\(participant.id)",
                "registered": participant.isRegistered, "attended": participant.hasAttended,
                "checkedInAt": Self.display(participant.checkedInAt), "checkedInAtISO": Self.iso(participant.checkedInAt),
                "syncedAt": Self.display(participant.salesforce.syncedAt), "syncedAtISO": Self.iso(participant.salesforce.syncedAt),
                "error": participant.salesforce.error.map { explain($0, page.language, instanceUrl: nil).sentence } ?? "",
                "excluded": SalesforceSyncState(of: participant, exclusions: exclusions) == .excluded,
                "createdAt": Self.display(participant.createdAt), "createdAtISO": Self.iso(participant.createdAt),
                "fields": fieldColumns.map { ["value": participant.fields[$0.code].map { fieldText($0, page.language) } ?? ""] },
            ])
        }
        context["empty"] = result.items.isEmpty
        let pageCount = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
        // Past a search's count cap, the pages are counted no further either.
        context["pageText"] = result.totalExact
            ? localization.text("grid_page_of", page.language, ["page": String(min(pageNumber, pageCount)), "count": String(pageCount)])
            : localization.text("grid_page_of_more", page.language, ["page": String(pageNumber), "count": String(pageCount)])
        context["page"] = pageNumber
        if let next = result.nextCursor { context["nextHref"] = link(cursor: next, page: pageNumber + 1) }
        if cursor != nil { context["firstHref"] = link() }
        return try html("participants", context)
    }

    /// One person: their data, Salesforce Ids (links into the org), last error and history.
    func participantPage(_ page: PageRequest, eventId: String, participantId: String) async throws -> Response {
        let event: Event
        switch try await permittedEvent(page, eventId, .readParticipants) {
        case .success(let found): event = found
        case .failure(let refusal): return refusal.response
        }
        guard let participant = try await dependencies.participants.find(eventId: eventId, id: participantId)
        else { return try notFound(page, localization.text("notFound_participant", page.language, ["id": participantId])) }
        let connector = try await dependencies.connectors.view(eventId: event.id)
        let instance = connector.connection.instanceUrl
        let state = participant.salesforce
        let syncState = SalesforceSyncState(of: participant, exclusions: connector.settings.exclusions)
        let records = [("Contact", state.contactId), ("Lead", state.leadId), ("CampaignMember", state.campaignMemberId)].compactMap { object, id -> [String: Any]? in
            guard let id else { return nil }
            var record: [String: Any] = ["object": object, "id": id]
            if let instance { record["href"] = "\(instance)/\(id)" }
            return record
        }
        let fields = event.fields.compactMap { definition -> [String: Any]? in
            guard let value = participant.fields[definition.code] else { return nil }
            return ["label": definition.label, "value": fieldText(value, page.language)]
        }
        var context = layout(page, title: Self.name(participant))
        context["event"] = try await eventContext(event, page)
        context["participant"] = Self.present([
            "id": participant.id, "name": Self.name(participant), "email": participant.email, "company": participant.company,
            "jobTitle": participant.jobTitle, "registered": participant.isRegistered, "attended": participant.hasAttended,
            "checkedInAt": Self.display(participant.checkedInAt), "checkedInAtISO": Self.iso(participant.checkedInAt),
            "createdAt": Self.display(participant.createdAt), "createdAtISO": Self.iso(participant.createdAt),
            "syncedAt": Self.display(state.syncedAt), "syncedAtISO": Self.iso(state.syncedAt),
            "error": state.error.map { explain($0, page.language, instanceUrl: instance).context } ?? "",
            "syncState": syncState.rawValue,
            "syncStateText": localization.text("state_\(syncState.rawValue)", page.language),
            "excludedBy": syncState == .excluded
                ? localization.text("person_excluded_by", page.language,
                                    ["rule": SalesforceSyncState.exclusion(matching: participant.email, in: connector.settings.exclusions) ?? ""])
                : "",
            "retryable": syncState == .error,
        ])
        context["fields"] = fields
        context["records"] = records
        context["form"] = participantForm(event, participant, page.language)
        context["campaignMember"] = state.campaignMemberId != nil
        let history = try await dependencies.syncRuns.history(participantId: participant.id, limit: 50).map { entry -> [String: Any] in
            Self.present(["at": Self.display(entry.at), "atISO": Self.iso(entry.at), "operation": label("op_", entry.operation, page.language), "object": entry.object,
                          "recordId": entry.recordId ?? "", "outcome": label("outcome_", entry.outcome, page.language),
                          "failed": entry.outcome == "failed", "error": entry.error.map { explain($0, page.language, instanceUrl: instance).context } ?? ""])
        }
        context["history"] = history
        context["hasHistory"] = !history.isEmpty
        return try html("participant", context)
    }

    /// A stored sync error as the reader needs it (``SyncErrorText``).
    func explain(_ stored: String, _ language: Language, instanceUrl: String?) -> SyncErrorText {
        SyncErrorText.explain(stored, language: language, localization: localization, instanceUrl: instanceUrl)
    }

    /// A custom field's value as the page shows it: yes/no in the page's language, the rest as typed.
    func fieldText(_ value: FieldValue, _ language: Language) -> String {
        switch value {
        case .bool(let flag): localization.text(flag ? "yes" : "no", language)
        case .list(let items): items.joined(separator: ", ")
        default: value.text
        }
    }

    /// A page the caller is refused, ready to send.
    struct PageRefusal: Error {
        var response: Response
    }

    /// The event of a page that needs `permission`: an event outside the caller's events reads
    /// as unknown (404, as the API answers), a role without the permission gets 403.
    func permittedEvent(_ page: PageRequest, _ eventId: String, _ permission: Permission) async throws -> Result<Event, PageRefusal> {
        let access = page.session.access
        guard access.covers(eventId: eventId), let event = try await dependencies.events.find(id: eventId) else {
            return .failure(PageRefusal(response: try notFound(page, localization.text("notFound_event", page.language, ["id": eventId]))))
        }
        // A registrar's place is the desk: any other page of the event leads there, not to a refusal.
        if Self.deskOnly(access), permission != .checkIn {
            return .failure(PageRefusal(response: .redirect(to: "/events/\(event.id)/desk", type: .found)))
        }
        guard access.allows(permission) else { return .failure(PageRefusal(response: try forbidden(page))) }
        return .success(event)
    }

    /// The page a role without the permission gets (403), naming the role.
    func forbidden(_ page: PageRequest) throws -> Response {
        var context = layout(page, title: localization.text("forbidden_title", page.language))
        context["message"] = localization.text("forbidden_page", page.language, ["role": page.session.access.role.rawValue])
        return try html("not-found", context, status: .forbidden)
    }

    /// An event's name and dates; the dates are shown in the event's time zone (`zone`, with
    /// its name beside them) when it has one, else in the reader's.
    /// A role whose only work on an event is the check-in desk (a registrar): its links lead there.
    static func deskOnly(_ access: Access) -> Bool {
        access.allows(.checkIn) && !access.allows(.readParticipants)
    }

    static func eventContext(_ event: Event) -> [String: Any] {
        let zone = event.timeZone.flatMap(TimeZone.init(identifier:))
        return present(["id": event.id, "name": event.name, "zone": event.timeZone ?? "",
                        "starts": display(event.startsAt, in: zone), "startsISO": iso(event.startsAt),
                        "ends": display(event.endsAt, in: zone), "endsISO": iso(event.endsAt)])
    }

    /// The event for an event's page, with the banner every page of the event shows while its
    /// Salesforce sync cannot go on (its ``SyncHealth``): the connection lost or logged out after a
    /// first sync, Salesforce failing or out of reach (since when, retrying), the budget or a forced
    /// run paused; each says how many changes wait. No banner when all is well, or nobody asked for
    /// Salesforce (the connector off). The time it names is a `<time>` the page shows in the
    /// reader's zone, between the two halves of the sentence (`bannerBefore`, `bannerAfter`).
    func eventContext(_ event: Event, _ page: PageRequest) async throws -> [String: Any] {
        var context = Self.eventContext(event)
        guard page.session.access.allows(.readRuns) else { return context }
        let view = try await dependencies.connectors.view(eventId: event.id)
        guard view.settings.enabled else { return context }
        let health = try await dependencies.health.health(eventId: event.id, view: view, countingPending: false)
        let count = String(health.pending)
        let reason = localization.message(health.reason ?? "", page.language)
        let banner: String? = switch health.state {
        case .ok: nil
        case .broken: localization.text("banner_connection_broken", page.language, ["error": reason, "count": count])
        case .disconnected:
            try await dependencies.events.hasSynced(eventId: event.id) ? localization.text("banner_disconnected", page.language, ["count": count]) : nil
        case .unreachable: localization.text("banner_unreachable", page.language, ["reason": reason, "count": count])
        case .retrying: localization.text("banner_retrying", page.language, ["reason": reason, "count": count])
        case .paused: localization.text("banner_paused", page.language, ["reason": reason, "count": count])
        }
        guard let banner else { return context }
        context["banner"] = banner
        context["bannerState"] = health.state.rawValue
        let halves = banner.components(separatedBy: "{since}")
        if halves.count == 2, let since = health.since {
            context["bannerBefore"] = halves[0]
            context["bannerAfter"] = halves[1]
            context["bannerSince"] = ["iso": Self.iso(since), "display": Self.display(since)]
        } else {
            context["banner"] = halves.joined(separator: "")
        }
        return context
    }

    static func name(_ participant: Participant) -> String {
        let name = [participant.firstName, participant.lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? participant.email : name
    }
}

extension BackOffice {
    /// The fields an import's column may fill, for the preview's choices: the built-in ones in the
    /// page's language, then the event's by label, as `[{"value", "label"}]` for the page's script.
    func importFieldsJSON(_ event: Event, _ language: Language) -> String {
        let builtIns = ImportColumns.builtInFields.map { ["value": $0, "label": localization.text("field_\($0)", language)] }
        let custom = event.fields.map { ["value": $0.code, "label": "\($0.label) (\($0.code))"] }
        return Self.scriptJSON(builtIns + custom)
    }
}

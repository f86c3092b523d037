import Crypto
import Foundation
import HTTPTypes
import Mustache
import OpenAPIRuntime
import RosterConnector
import RosterCore
import RosterStore
import RosterWeb
import SalesforceClient

/// The Salesforce connector routes: settings, connecting, the check, the campaign.
extension RosterAPI {
    func getSalesforceConnector(_ input: Operations.GetSalesforceConnector.Input) async throws -> Operations.GetSalesforceConnector.Output {
        let event = try await event(input.path.eventId)
        let view = try await connectors.view(eventId: event.id)
        return .ok(.init(body: .json(try await connectorBody(view, eventId: event.id))))
    }

    func putSalesforceConnector(_ input: Operations.PutSalesforceConnector.Input) async throws -> Operations.PutSalesforceConnector.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        let current = try await connectors.view(eventId: event.id).settings
        let settings = try ConnectorSettings(merging: body, over: current)
        try await refuseMappingErrors(settings, over: current, event: event)
        let view = try await connectors.save(eventId: event.id, settings: settings, consumerSecret: body.consumerSecret)
        sync.retryNow(eventId: event.id) // new settings may be what the failing changes waited for
        logger.info("Salesforce connector settings saved", metadata: ["event": "\(event.id)"])
        return .ok(.init(body: .json(try await connectorBody(view, eventId: event.id))))
    }

    /// The connector as the API answers it: settings, connection, people not synced, health.
    private func connectorBody(_ view: ConnectorSummary, eventId: String) async throws -> Components.Schemas.SalesforceConnector {
        // Salesforce lacks their data: never synced, changed since, or in error; excluded people never count.
        let states = try await participants.stateCounts(eventId: eventId, exclusions: view.settings.exclusions)
        let unsynced = [SalesforceSyncState.notSynced, .pending, .error].reduce(0) { $0 + (states[$1] ?? 0) }
        return try .init(view, unsynced: unsynced, health: try await health.health(eventId: eventId, view: view))
    }

    /// Refuses settings whose changed mappings have errors, as the check would find them (422
    /// `validation_failed`, a detail per finding naming `mappings.<object>.<code>`), so a broken
    /// mapping is never stored. Mappings left as they were are not checked again here: a stored
    /// one that Salesforce's side made wrong since is the check's to report.
    private func refuseMappingErrors(_ settings: ConnectorSettings, over current: ConnectorSettings, event: Event) async throws {
        var errors: [CheckIssue] = []
        for target in MappingTarget.allCases where settings.mappings[target] != current.mappings[target] {
            errors += try await connectors.validateMapping(event: event, target: target, mapping: settings.mappings[target]).errors
        }
        guard !errors.isEmpty else { return }
        let message = errors.count == 1 ? errors[0].message : "\(errors.count) problems in the mappings; nothing was saved"
        throw APIError(.unprocessableContent, "validation_failed", message,
                       details: errors.map { APIError.Detail(field: $0.field, row: nil, message: $0.message) })
    }

    func connectSalesforce(_ input: Operations.ConnectSalesforce.Input) async throws -> Operations.ConnectSalesforce.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let event = try await event(input.path.eventId)
        switch body.flow {
        case .clientCredentials:
            let view = try await connectors.connectWithClientCredentials(eventId: event.id)
            return .ok(.init(body: .json(.init(connection: .init(view.connection)))))
        case .webServer:
            guard let base = publicURL ?? RequestOrigin.current else {
                throw APIError(.unprocessableContent, "public_url_missing",
                               "Roster does not know its own address for the OAuth callback (a request's Host is trusted on loopback only); set ROSTER_PUBLIC_URL to the HTTPS address browsers use")
            }
            // A login begun from the back office is bound to its user: only their session can finish it.
            let url = try await connectors.beginWebServerLogin(eventId: event.id, baseURL: base, userId: BackOfficeSession.current?.userId)
            return .ok(.init(body: .json(.init(authorizeUrl: url))))
        }
    }

    func disconnectSalesforce(_ input: Operations.DisconnectSalesforce.Input) async throws -> Operations.DisconnectSalesforce.Output {
        let event = try await event(input.path.eventId)
        let view = try await connectors.disconnect(eventId: event.id)
        return .ok(.init(body: .json(try await connectorBody(view, eventId: event.id))))
    }

    func listSalesforceLeadAssignmentRules(_ input: Operations.ListSalesforceLeadAssignmentRules.Input) async throws -> Operations.ListSalesforceLeadAssignmentRules.Output {
        let event = try await event(input.path.eventId)
        let rules = try await connectors.leadAssignmentRules(eventId: event.id)
        return .ok(.init(body: .json(.init(items: rules.map { .init(id: $0.id, name: $0.name, active: $0.active) }))))
    }

    func checkSalesforceConnector(_ input: Operations.CheckSalesforceConnector.Input) async throws -> Operations.CheckSalesforceConnector.Output {
        let event = try await event(input.path.eventId)
        let lastRun = try await syncRuns.runs(eventId: event.id, limit: 5).first { !$0.dryRun && $0.state != .queued }
        var unsaved: UnsavedSettings?
        if case .json(let body)? = input.body {
            let current = try await connectors.view(eventId: event.id).settings
            unsaved = UnsavedSettings(settings: try ConnectorSettings(merging: body, over: current), consumerSecret: body.consumerSecret.flatMap { $0.isEmpty ? nil : $0 } != nil)
        }
        let report = try await connectors.check(event: event, unsaved: unsaved, lastRunBatchSizes: lastRun?.batchSizes ?? [:])
        func issues(_ list: [CheckIssue]) -> [Components.Schemas.CheckIssue] { list.map(issue) }
        return .ok(.init(body: .json(.init(
            ok: report.ok, errors: issues(report.errors), warnings: issues(report.warnings),
            apiUsage: report.apiUsage.map { .init(used: $0.used, max: $0.max) },
            estimatedCallsForFullSync: report.estimatedCallsForFullSync
        ))))
    }

    func createSalesforceCampaign(_ input: Operations.CreateSalesforceCampaign.Input) async throws -> Operations.CreateSalesforceCampaign.Output {
        let event = try await event(input.path.eventId)
        let body: Components.Schemas.CreateCampaignInput? = if case .json(let body)? = input.body { body } else { nil }
        let created = try await connectors.createCampaign(eventId: event.id, name: body?.name, registeredStatus: body?.registeredStatus,
                                                          attendedStatus: body?.attendedStatus)
        return .created(.init(body: .json(.init(id: created.id, name: created.name))))
    }

    func salesforceCallback(_ input: Operations.SalesforceCallback.Input) async throws -> Operations.SalesforceCallback.Output {
        let query = input.query
        if let error = query.error {
            // The state is used up even when the user declined, so the link can't be replayed.
            if let state = query.state { _ = try? await connectors.abandonWebServerLogin(state: state, userId: BackOfficeSession.current?.userId) }
            return .badRequest(.init(body: .html(.init(CallbackPage.failure("Salesforce did not connect: \(query.errorDescription ?? error) (\(error))")))))
        }
        guard let code = query.code, let state = query.state else {
            return .badRequest(.init(body: .html(.init(CallbackPage.failure("This page needs the code and state Salesforce sends back; start the login again.")))))
        }
        do {
            let eventId = try await connectors.completeWebServerLogin(code: code, state: state, userId: BackOfficeSession.current?.userId)
            let view = try await connectors.view(eventId: eventId)
            return .ok(.init(body: .html(.init(CallbackPage.success(eventId: eventId, username: view.connection.username, instance: view.connection.instanceUrl)))))
        } catch let error as ConnectorError {
            return .badRequest(.init(body: .html(.init(CallbackPage.failure(error.description)))))
        }
    }
}

extension ConnectorSettings {
    /// The stored settings with what a PUT body gives laid over them.
    init(merging body: Components.Schemas.SalesforceConnectorInput, over current: ConnectorSettings) throws {
        self = current
        if let value = body.enabled { enabled = value }
        if let value = body.loginUrl { loginUrl = value }
        if let value = body.consumerKey { consumerKey = value }
        if let value = body.campaignName { campaignName = value }
        if let value = body.registeredStatus { registeredStatus = value }
        if let value = body.attendedStatus { attendedStatus = value }
        if let value = body.cancelledStatus { cancelledStatus = value.trimmed() }
        if let value = body.noShowStatus { noShowStatus = value.trimmed() }
        if let value = body.noShowGraceHours { noShowGraceHours = value }
        if let value = body.contactAccount {
            contactAccount = ContactAccount(mode: value.mode.flatMap { ContactAccount.Mode(rawValue: $0.rawValue) } ?? .byCompany, accountId: value.accountId)
        }
        if let container = body.fixedValues?.additionalProperties {
            fixedValues = try Self.fixedValues(container)
        }
        if let value = body.batchSize {
            batchSize = [MappingTarget.contact.rawValue: value.contact, MappingTarget.lead.rawValue: value.lead,
                         MappingTarget.campaignMember.rawValue: value.campaignMember].compactMapValues { $0 }
        }
        if let value = body.allowLeadCreation { allowLeadCreation = value }
        if let value = body.allowUpdate { allowUpdate = value }
        if let value = body.apiVersion { apiVersion = value }
        if let value = body.exclusions { exclusions = value.map { $0.trimmed() }.filter { !$0.isEmpty } }
        if let value = body.duplicateRules { duplicateRules = DuplicateRulePolicy(rawValue: value.rawValue) ?? .respect }
        if let value = body.longText { longText = LongTextPolicy(rawValue: value.rawValue) ?? .error }
        if let value = body.apiBudgetShare { apiBudgetShare = value }
        if let value = body.leadAssignment {
            guard let assignment = LeadAssignment(rawValue: value) else {
                throw ValidationFailure(field: "leadAssignment", message: "'\(value)' is neither activeRule, none, nor a Lead assignment rule Id (01Q…)")
            }
            leadAssignment = assignment
        }
        if let container = body.mappings?.additionalProperties {
            // Through JSON text, so nested values arrive as the Foundation types the parser reads.
            let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(container)) as? [String: Any] ?? [:]
            if let unknown = object.keys.first(where: { MappingTarget(rawValue: $0) == nil }) {
                throw APIError(.badRequest, "invalid_mapping", "mappings.\(unknown): unknown object; mappings are for contact, lead and campaignMember",
                               details: [.init(field: "mappings.\(unknown)", row: nil, message: "unknown object; use contact, lead or campaignMember")])
            }
            for target in MappingTarget.allCases where object.keys.contains(target.rawValue) {
                mappings[target] = try FieldMapping.parse(object[target.rawValue], path: "mappings.\(target.rawValue)")
            }
        }
    }

    /// `{"lead": {"LeadSource": "Partner Referral"}}` as the API received it.
    static func fixedValues(_ container: OpenAPIObjectContainer) throws -> [String: [String: FixedValue]] {
        do {
            return try JSONDecoder().decode([String: [String: FixedValue]].self, from: JSONEncoder().encode(container))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = (["fixedValues"] + context.codingPath.map(\.stringValue)).joined(separator: ".")
            throw ValidationFailure(field: path, message: context.codingPath.count < 2
                ? "must be an object of field API names to values, such as {\"LeadSource\": \"Partner Referral\"}"
                : "must be a text, a number or a boolean")
        }
    }
}

extension Components.Schemas.SalesforceConnector: EncodesEveryKey {
    /// - Parameter unsynced: the event's participants whose data Salesforce does not have yet.
    init(_ view: ConnectorSummary, unsynced: Int, health: SyncHealth) throws {
        let settings = view.settings
        var mappings: [String: any Sendable] = [:]
        for (target, mapping) in settings.mappings.all { mappings[target.rawValue] = mapping.jsonObject }
        self.init(
            enabled: settings.enabled, loginUrl: settings.loginUrl, consumerKey: settings.consumerKey,
            consumerSecretSet: view.consumerSecretSet, campaignName: settings.campaignName, campaignId: settings.campaignId,
            registeredStatus: settings.registeredStatus, attendedStatus: settings.attendedStatus,
            allowLeadCreation: settings.allowLeadCreation, allowUpdate: settings.allowUpdate,
            mappings: .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: mappings)),
            apiVersion: settings.apiVersion, exclusions: settings.exclusions,
            duplicateRules: .init(rawValue: settings.duplicateRules.rawValue) ?? .respect,
            longText: .init(rawValue: settings.longText.rawValue) ?? .error, apiBudgetShare: settings.apiBudgetShare,
            leadAssignment: settings.leadAssignment.rawValue, cancelledStatus: settings.cancelledStatus,
            noShowStatus: settings.noShowStatus, noShowGraceHours: settings.noShowGraceHours,
            fixedValues: .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: settings.fixedValues.mapValues { $0.mapValues(\.jsonValue) })),
            contactAccount: .init(mode: .init(rawValue: settings.contactAccount.mode.rawValue) ?? .byCompany, accountId: settings.contactAccount.accountId),
            batchSize: .init(contact: settings.batchSize[MappingTarget.contact.rawValue], lead: settings.batchSize[MappingTarget.lead.rawValue],
                             campaignMember: settings.batchSize[MappingTarget.campaignMember.rawValue]),
            connection: .init(view.connection), unsyncedParticipants: unsynced, health: .init(health)
        )
    }

    /// Every key: `campaignId` is `null` until resolved.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.SyncHealth: EncodesEveryKey {
    init(_ health: SyncHealth) {
        self.init(state: .init(rawValue: health.state.rawValue) ?? .ok, since: health.since, reason: health.reason, pending: health.pending)
    }

    /// Every key, `null` included.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.SalesforceConnection: EncodesEveryKey {
    init(_ connection: SalesforceConnection) {
        self.init(connected: connection.state == .connected, instanceUrl: connection.instanceUrl, username: connection.username,
                  state: .init(rawValue: connection.state.rawValue) ?? .disconnected, error: connection.error)
    }

    /// Every key, `null` included.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.CheckResult: EncodesEveryKey {
    /// Every key: `apiUsage` is `null` when Salesforce could not be asked.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

/// The page the login pop-up lands on: it tells the screen that opened it and closes itself.
/// Its one script and style never change (what differs goes in the body's `data-` attributes),
/// so its content security policy allows exactly them, by hash, and nothing else.
enum CallbackPage {
    static func success(eventId: String, username: String?, instance: String?) -> String {
        let who = [username, instance].compactMap { $0 }.joined(separator: " — ")
        return page(title: "Connected to Salesforce", message: "Connected\(who.isEmpty ? "" : " as \(who)"). This window closes itself.",
                    eventId: eventId)
    }

    static func failure(_ message: String) -> String {
        page(title: "Salesforce login failed", message: message)
    }

    static let script = """
        var d = document.body.dataset;
        if (window.opener) { window.opener.postMessage(d.eventId ? {type: "roster-salesforce-connected", eventId: d.eventId} : {type: "roster-salesforce-failed", message: d.message}, window.location.origin); }
        if (d.eventId) { setTimeout(function () { window.close(); }, 300); }
        """
    static let style = "body{font:16px system-ui,sans-serif;margin:3rem auto;max-width:32rem;padding:0 1rem;color:#1b1f24}"

    /// The page's headers: only its own script and style run, no site may frame it, nothing is
    /// cached, and the callback's URL (which carries the code) is never sent as a referrer.
    static let headers: [HTTPField] = [
        HTTPField(name: .contentSecurityPolicy, value: "default-src 'none'; script-src '\(hash(script))'; style-src '\(hash(style))'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        HTTPField(name: .xContentTypeOptions, value: "nosniff"), HTTPField(name: .cacheControl, value: "no-store"),
        HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer"),
    ]

    /// The page, escaped by Mustache (`{{…}}`); the script and style go in as they are, the
    /// very text the policy's hashes cover.
    private static let template = try! MustacheTemplate(string: """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>{{{style}}}</style></head>
        <body{{#eventId}} data-event-id="{{eventId}}"{{/eventId}}{{^eventId}} data-message="{{message}}"{{/eventId}}><h1>{{title}}</h1><p id="message">{{message}}</p><script>{{{script}}}</script></body></html>
        """)

    /// A failure (no `eventId`) also gives its message to the script, which passes it on.
    private static func page(title: String, message: String, eventId: String? = nil) -> String {
        var context: [String: Any] = ["title": title, "message": message, "style": style, "script": script]
        context["eventId"] = eventId
        return template.render(context)
    }

    /// A CSP source for an inline element: `sha256-` and the base64 of its text's digest.
    static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }
}

import Foundation
import OpenAPIRuntime
import RosterCore
import RosterStore

// Conversions between the domain and the types generated from openapi.yaml.

extension Components.Schemas.Event {
    init(_ event: Event, participantCount: Int) {
        self.init(
            id: event.id, name: event.name, startsAt: event.startsAt, endsAt: event.endsAt, timeZone: event.timeZone,
            fields: event.fields.map(Components.Schemas.FieldDefinition.init), participantCount: participantCount,
            createdAt: event.createdAt
        )
    }
}

extension Components.Schemas.FieldDefinition {
    init(_ field: FieldDefinition) {
        self.init(
            code: field.code, label: field.label, _type: .init(rawValue: field.type.rawValue) ?? .text,
            maxLength: field.maxLength, options: field.options, required: field.required
        )
    }
}

extension FieldDefinition {
    init(_ field: Components.Schemas.FieldDefinition) {
        self.init(
            code: field.code, label: field.label, type: FieldType(rawValue: field._type.rawValue) ?? .text,
            maxLength: field.maxLength, options: field.options, required: field.required ?? false
        )
    }
}

extension Components.Schemas.Participant {
    /// - Parameter exclusions: the event's connector exclusions, for `salesforce.state`.
    init(_ participant: Participant, exclusions: [String]) throws {
        self.init(
            id: participant.id, eventId: participant.eventId, email: participant.email,
            firstName: participant.firstName, lastName: participant.lastName,
            company: participant.company, jobTitle: participant.jobTitle,
            isRegistered: participant.isRegistered, hasAttended: participant.hasAttended,
            checkedInAt: participant.checkedInAt, allowNetworking: participant.allowNetworking,
            fields: .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: participant.fields.mapValues { $0.jsonObject })),
            createdAt: participant.createdAt, updatedAt: participant.updatedAt,
            salesforce: .init(
                syncedAt: participant.salesforce.syncedAt, contactId: participant.salesforce.contactId,
                leadId: participant.salesforce.leadId, campaignMemberId: participant.salesforce.campaignMemberId,
                error: participant.salesforce.error,
                state: .init(rawValue: SalesforceSyncState(of: participant, exclusions: exclusions).rawValue) ?? .notSynced,
                excludedBy: SalesforceSyncState.exclusion(matching: participant.email, in: exclusions)
            )
        )
    }
}

extension Components.Schemas.Participant {
    /// Every key, `checkedInAt: null` included: the contract says each participant carries it.
    /// Written out rather than reflected (``EncodesEveryKey``): every registration's answer goes
    /// through it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(email, forKey: .email)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(lastName, forKey: .lastName)
        try container.encode(company, forKey: .company)
        try container.encode(jobTitle, forKey: .jobTitle)
        try container.encode(isRegistered, forKey: .isRegistered)
        try container.encode(hasAttended, forKey: .hasAttended)
        try container.encode(checkedInAt, forKey: .checkedInAt)
        try container.encode(allowNetworking, forKey: .allowNetworking)
        try container.encode(fields, forKey: .fields)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(salesforce, forKey: .salesforce)
    }
}

extension Components.Schemas.SalesforceState: EncodesEveryKey {
    /// Every key, `null` included: the contract promises each participant carries all five (the generator would omit nil values).
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.ParticipantPage: EncodesEveryKey {
    /// `nextCursor` is written as `null` on the last page rather than left out.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension ParticipantDraft {
    init(_ input: Components.Schemas.ParticipantInput) {
        self.init(
            email: input.email, firstName: input.firstName, lastName: input.lastName, company: input.company,
            jobTitle: input.jobTitle, isRegistered: input.isRegistered.map(InputValue.bool),
            hasAttended: input.hasAttended.map(InputValue.bool), allowNetworking: input.allowNetworking.map(InputValue.bool),
            fields: (input.fields?.additionalProperties.value ?? [:]).mapValues(InputValue.init(json:))
        )
    }

    init(_ patch: Components.Schemas.ParticipantPatch) {
        self.init(
            email: patch.email, firstName: patch.firstName, lastName: patch.lastName, company: patch.company,
            jobTitle: patch.jobTitle, isRegistered: patch.isRegistered.map(InputValue.bool),
            hasAttended: patch.hasAttended.map(InputValue.bool), allowNetworking: patch.allowNetworking.map(InputValue.bool),
            fields: (patch.fields?.additionalProperties.value ?? [:]).mapValues(InputValue.init(json:))
        )
    }
}

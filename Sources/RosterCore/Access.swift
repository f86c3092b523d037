/// What a caller may do, by role (SPEC S62): each API route and back-office page needs one
/// ``Permission``; a role grants a fixed set of them.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// Everything, on every event it covers, including tokens and users.
    case admin
    /// Participants, the connector and the sync of its events.
    case organiser
    /// Creates and updates participants and check-ins of its events: what a registration site, a
    /// check-in app or a person at the door needs (the check-in desk finds people by name). No
    /// list, no export, no connector.
    case registrar
    /// Reads its events' participants and runs. No export of personal data, no change.
    case viewer

    /// The permissions the role grants.
    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .organiser: [.readEvent, .updateEvents, .readParticipants, .writeParticipants, .checkIn, .eraseParticipants, .exportParticipants,
                          .manageConnector, .runSync, .readRuns, .manageWebhooks]
        case .registrar: [.readEvent, .writeParticipants, .checkIn]
        case .viewer: [.readEvent, .readParticipants, .readRuns]
        }
    }

    /// The roles, for messages: `admin, organiser, registrar or viewer`.
    public static var spelled: String { "admin, organiser, registrar or viewer" }
}

/// One thing a route does.
public enum Permission: String, Sendable, Hashable, CaseIterable {
    /// Create events.
    case createEvents = "events.create"
    /// Read an event and its field schema.
    case readEvent = "events.read"
    /// Change an event's name, dates, time zone and fields.
    case updateEvents = "events.update"
    /// List, search and read participants and their Salesforce history.
    case readParticipants = "participants.read"
    /// Create, update, import and check in participants.
    case writeParticipants = "participants.write"
    /// Find people at the check-in desk (name, company, masked email, check-in) to check them in.
    case checkIn = "participants.checkin"
    /// Erase a person's data on their request (GDPR art. 17).
    case eraseParticipants = "participants.erase"
    /// Download every participant's personal data.
    case exportParticipants = "participants.export"
    /// Read and change the Salesforce connector, connect and check it.
    case manageConnector = "connector.manage"
    /// Start a forced sync.
    case runSync = "sync.run"
    /// Make, list, rotate and delete the webhook sources registration tools deliver to, and read their deliveries.
    case manageWebhooks = "webhooks.manage"
    /// Read sync runs, their results and the live queue.
    case readRuns = "sync.read"
    /// Create, list and revoke API tokens and users (unscoped admins only).
    case manageAccess = "access.manage"
}

/// Who a request acts for: a role, on some events or on all of them.
public struct Access: Sendable, Hashable {
    /// The role whose ``Role/permissions`` the caller has.
    public var role: Role
    /// The events covered; `nil` covers every event, present and future.
    public var events: Set<String>?

    /// `role` on `events` (`nil` or none given: every event).
    public init(role: Role, events: Set<String>? = nil) {
        self.role = role
        self.events = (events?.isEmpty ?? true) ? nil : events
    }

    /// An admin on every event: what tokens and users made before roles existed are.
    public static let everything = Access(role: .admin)

    /// Whether the event is one of the caller's.
    public func covers(eventId: String) -> Bool {
        events?.contains(eventId) ?? true
    }

    /// Whether the role grants the permission. Managing access and creating events need an admin
    /// on every event: a scoped admin can never mint itself a wider token, nor make events it
    /// would not see.
    public func allows(_ permission: Permission) -> Bool {
        guard role.permissions.contains(permission) else { return false }
        return !Self.unscopedOnly.contains(permission) || events == nil
    }

    private static let unscopedOnly: Set<Permission> = [.manageAccess, .createEvents]

    /// Why the caller may not do this on that event, or `nil` when it may. An event outside the
    /// caller's events is reported as unknown, so its existence is not revealed.
    public func refusal(_ permission: Permission, eventId: String?) -> AccessRefusal? {
        if let eventId, !covers(eventId: eventId) { return .eventNotFound(eventId) }
        if allows(permission) { return nil }
        return role.permissions.contains(permission) ? .needsEveryEvent(permission) : .forbidden(permission, role)
    }
}

/// Why a request was refused.
public enum AccessRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The event is not one of the caller's (or does not exist: the same answer).
    case eventNotFound(String)
    /// The role does not grant the permission.
    case forbidden(Permission, Role)
    /// The permission is only for callers on every event (``Access/allows(_:)``).
    case needsEveryEvent(Permission)

    /// The refusal in words, for the error answer; an event outside the caller's reads as missing.
    public var description: String {
        switch self {
        case .eventNotFound(let id): "no event with id '\(id)'"
        case .forbidden(let permission, let role):
            "the \(role.rawValue) role does not have the '\(permission.rawValue)' permission this needs; ask an admin for a token or user that has it"
        case .needsEveryEvent(let permission):
            "'\(permission.rawValue)' needs an admin on every event; a token or user limited to some events can't do it"
        }
    }
}

extension Participant {
    /// The participant as a caller that may write but not read participants (a registrar) sees it
    /// in the answer to its own write: what it sent, the id, the record's dates and the
    /// registration and attendance flags; nothing it did not send (the email of a person it
    /// changed by id, another site's data on the same email, the Salesforce ids). Anyone who may
    /// read participants sees the whole record.
    public func shown(to access: Access, writing draft: ParticipantDraft) -> Participant {
        guard !access.allows(.readParticipants) else { return self }
        var shown = self
        if draft.email == nil { shown.email = "" }
        if draft.firstName == nil { shown.firstName = "" }
        if draft.lastName == nil { shown.lastName = "" }
        if draft.company == nil { shown.company = "" }
        if draft.jobTitle == nil { shown.jobTitle = "" }
        if draft.allowNetworking == nil { shown.allowNetworking = false }
        let sent = Set(draft.fields.keys.map { $0.lowercased() })
        shown.fields = fields.filter { sent.contains($0.key.lowercased()) }
        shown.salesforce = SalesforceState()
        return shown
    }
}

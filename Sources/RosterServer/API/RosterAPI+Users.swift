import Foundation
import RosterCore
import RosterStore
import RosterWeb

/// Back-office users, for admins (`access.manage`), as the Users screen manages them: invite with
/// a one-time link, change a role and events, disable, reset a password.
extension RosterAPI {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        .ok(.init(body: .json(.init(items: try await accounts.users.list().map(Components.Schemas.User.init)))))
    }

    func inviteUser(_ input: Operations.InviteUser.Input) async throws -> Operations.InviteUser.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let events = try await checkedEvents(body.events)
        let access = Access(role: body.role.flatMap { Role(rawValue: $0.rawValue) } ?? .registrar, events: events)
        let (user, invite) = try await accounts.invite(email: body.email, access: access)
        logger.notice("user invited", metadata: ["user": "\(user.id)", "role": "\(access.role.rawValue)", "by": "\(Caller.current?.name ?? "?")"])
        return .created(.init(body: .json(.init(user: .init(user), link: try link(invite)))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        guard let current = try await accounts.users.find(id: input.path.userId) else {
            throw APIError.notFound("no user with id '\(input.path.userId)'")
        }
        if body.everyEvent == true, body.events != nil {
            throw ValidationFailure(field: "events", message: "give events, or everyEvent: true, not both")
        }
        var access: Access?
        if body.role != nil || body.events != nil || body.everyEvent == true {
            let events = body.everyEvent == true ? nil : try await checkedEvents(body.events) ?? current.access.events
            access = Access(role: body.role.flatMap { Role(rawValue: $0.rawValue) } ?? current.access.role, events: events)
        }
        // An admin can't lock themselves out: the last way in stays theirs.
        if current.email == Caller.current?.name, body.disabled == true || (access.map { $0 != .everything } ?? false) {
            throw APIError(.conflict, "own_access", "you can't disable yourself or narrow your own access; ask another admin")
        }
        let user = try await accounts.users.update(userId: current.id, access: access, disabled: body.disabled, now: now())
        logger.notice("user changed", metadata: ["user": "\(user.id)", "role": "\(user.access.role.rawValue)", "disabled": "\(user.disabledAt != nil)",
                                                 "by": "\(Caller.current?.name ?? "?")"])
        return .ok(.init(body: .json(.init(user))))
    }

    func resetUserPassword(_ input: Operations.ResetUserPassword.Input) async throws -> Operations.ResetUserPassword.Output {
        guard let user = try await accounts.users.find(id: input.path.userId) else { throw APIError.notFound("no user with id '\(input.path.userId)'") }
        let invite = try await accounts.reset(userId: user.id)
        logger.notice("user password reset", metadata: ["user": "\(user.id)", "by": "\(Caller.current?.name ?? "?")"])
        return .ok(.init(body: .json(try link(invite))))
    }

    /// The events named, each known; `nil` (every event) when none are.
    private func checkedEvents(_ events: [String]?) async throws -> Set<String>? {
        guard let events else { return nil }
        guard !events.isEmpty else { throw ValidationFailure(field: "events", message: "give at least one event id, or leave events out for every event") }
        let known = Set(try await self.events.all().map(\.id))
        if let unknown = events.sorted().first(where: { !known.contains($0) }) {
            throw ValidationFailure(field: "events", message: "no event with id '\(unknown)'")
        }
        return Set(events)
    }

    /// The link a user chooses their password at: on Roster's public URL, else the request's origin.
    private func link(_ invite: UserInvite) throws -> Components.Schemas.PasswordLink {
        guard let base = publicURL ?? RequestOrigin.current else {
            throw APIError(.internalServerError, "no_public_url", "Roster does not know its own address to make the link; set --public-url")
        }
        return .init(url: base + "/invite/" + invite.token, expiresAt: invite.expiresAt)
    }
}

extension Components.Schemas.User: EncodesEveryKey {
    init(_ user: UserInfo) {
        self.init(id: user.id, email: user.email, role: .init(user.access.role), events: user.access.events?.sorted(), createdAt: user.createdAt,
                  disabled: user.disabledAt != nil, invited: user.invited)
    }

    /// `"events": null` for every event.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

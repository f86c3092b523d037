import Foundation
import OpenAPIRuntime
import RosterCore
import RosterStore

/// API tokens, for admins (`access.manage`): the same as `roster token create|list|revoke`.
extension RosterAPI {
    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        .ok(.init(body: .json(.init(items: try await tokens.list().map(Components.Schemas.Token.init)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw APIError(.unsupportedMediaType, "unsupported_media_type", "send JSON") }
        let name = body.name.trimmed()
        guard !name.isEmpty else { throw ValidationFailure(field: "name", message: "give the token a name, e.g. 'registration site'") }
        guard body.name.unicodeScalars.count <= 100 else { throw ValidationFailure(field: "name", message: "a token's name has at most 100 characters") }
        if let issue = ParticipantRules.controlCharacterIssue(name, field: "name") { throw ValidationFailure([issue]) }
        if let days = body.expiresInDays, !(1...3650).contains(days) {
            throw ValidationFailure(field: "expiresInDays", message: "between 1 and 3650 days, not \(days)")
        }
        if body.events?.isEmpty == true {
            throw ValidationFailure(field: "events", message: "give at least one event id, or leave events out for every event")
        }
        let events = Set(body.events ?? [])
        let known = Set(try await self.events.all().map(\.id))
        if let unknown = events.sorted().first(where: { !known.contains($0) }) {
            throw ValidationFailure(field: "events", message: "no event with id '\(unknown)'")
        }
        let access = Access(role: body.role.flatMap { Role(rawValue: $0.rawValue) } ?? .admin, events: events)
        let expiresAt = body.expiresInDays.map { now().addingTimeInterval(Double($0) * 86_400) }
        let token = try await tokens.create(name: name, access: access, expiresAt: expiresAt)
        logger.notice("API token created", metadata: ["token": "\(name)", "role": "\(access.role.rawValue)", "by": "\(Caller.current?.name ?? "?")"])
        return .created(.init(body: .json(.init(
            token: token, name: name, role: .init(access.role), events: access.events?.sorted(), expiresAt: expiresAt))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        try await tokens.revoke(name: input.path.name)
        logger.notice("API token revoked", metadata: ["token": "\(input.path.name)", "by": "\(Caller.current?.name ?? "?")"])
        return .noContent(.init())
    }
}

extension Components.Schemas.Role {
    init(_ role: Role) { self = .init(rawValue: role.rawValue)! }
}

extension Components.Schemas.Token: EncodesEveryKey {
    init(_ info: TokenInfo) {
        self.init(name: info.name, role: .init(info.access.role), events: info.access.events?.sorted(), createdAt: info.createdAt,
                  lastUsedAt: info.lastUsedAt, expiresAt: info.expiresAt)
    }

    /// Every key, `null` included, as the contract shows them.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

extension Components.Schemas.CreatedToken: EncodesEveryKey {
    /// Every key, `null` included.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

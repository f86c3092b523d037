import Crypto
import Foundation
import RosterCore
import SQLKit

/// An API token as `roster token list` shows it: never the token itself.
public struct TokenInfo: Sendable, Hashable {
    /// The name given at creation; unique among tokens not revoked, and what revokes it.
    public var name: String
    /// The token's role and the events it is limited to.
    public var access: Access
    /// When the token was created.
    public var createdAt: Date
    /// The last use recorded (the caller decides how often); `nil` when none was.
    public var lastUsedAt: Date?
    /// When the token stops being accepted; `nil` when it never expires.
    public var expiresAt: Date?
}

/// API tokens. Only a SHA-256 digest of each token is stored: tokens are 256 random bits, so a
/// fast hash is safe here (unlike passwords) and lets every request be checked in one lookup.
/// A token is revoked by its name, which is unique among the tokens not revoked.
public struct TokenRepository: Sendable {
    let database: RosterDatabase
    let ids: any IDGenerator
    let now: @Sendable () -> Date

    /// Tokens in `database`; `ids` makes their row ids, and `now` stamps them and decides expiry.
    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator(), now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.ids = ids
        self.now = now
    }

    /// Creates a token and returns it in clear; it is never shown again.
    /// - Throws: ``StoreError/conflict(_:)`` when a token not revoked already has that name.
    public func create(name: String, access: Access = .everything, expiresAt: Date? = nil) async throws -> String {
        let token = "rst_" + SessionRepository.randomToken()
        do {
            try await database.writer.insert(into: "api_tokens")
                .columns("id", "name", "token_hash", "created_at", "role", "events_json", "expires_at")
                .values(SQLBind(ids.next()), SQLBind(name), SQLBind(Self.digest(token)), SQLBind(StoreTime.millis(now())),
                        SQLBind(access.role.rawValue), SQLBind(AccessColumns.eventsJSON(access.events)),
                        SQLBind(expiresAt.map(StoreTime.millis)))
                .run()
        } catch where error.isUniqueViolation {
            throw StoreError.conflict("a token named '\(name)' already exists; revoke it first or choose another name")
        }
        return token
    }

    /// The token's name and access, or `nil` when no such token exists or it was revoked or
    /// has expired. Read on the read connections: every API request asks.
    public func verify(_ token: String) async throws -> TokenInfo? {
        let row = try await database.reader.raw("""
            SELECT name, role, events_json, created_at, last_used_at, expires_at FROM api_tokens
            WHERE token_hash = \(bind: Self.digest(token)) AND revoked_at IS NULL
            """).first()
        guard let row, let info = try Self.info(row) else { return nil }
        if let expiry = info.expiresAt, expiry <= now() { return nil }
        return info
    }

    /// The tokens not revoked, by name (the expired ones too, with their expiry).
    public func list() async throws -> [TokenInfo] {
        try await database.reader.raw("""
            SELECT name, role, events_json, created_at, last_used_at, expires_at FROM api_tokens
            WHERE revoked_at IS NULL ORDER BY name
            """).all().compactMap(Self.info)
    }

    /// Revokes the token of that name: it is refused from then on.
    /// - Throws: ``StoreError/notFound(_:)`` when no token of that name is active.
    public func revoke(name: String) async throws {
        let revoked = try await database.writer.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: StoreTime.millis(now())) WHERE name = \(bind: name) AND revoked_at IS NULL RETURNING id
            """).all()
        guard !revoked.isEmpty else { throw StoreError.notFound("no token named '\(name)'; 'roster token list' shows them") }
    }

    /// Records that the token was used (the caller decides how often this is worth a write).
    public func markUsed(name: String, at date: Date) async throws {
        try await database.writer.update("api_tokens").set("last_used_at", to: StoreTime.millis(date))
            .where("name", .equal, name).where("revoked_at", .is, SQLLiteral.null).run()
    }

    static func info(_ row: any SQLRow) throws -> TokenInfo? {
        guard let access = try AccessColumns.access(row) else { return nil }
        return TokenInfo(
            name: try row.decode(column: "name", as: String.self), access: access,
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(StoreTime.date),
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(StoreTime.date))
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// The `role` and `events_json` columns tokens and users share.
enum AccessColumns {
    static func eventsJSON(_ events: Set<String>?) -> String? {
        guard let events else { return nil }
        return String(decoding: (try? JSONEncoder().encode(events.sorted())) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The row's access, or `nil` when its role is not one this version knows (never granted).
    static func access(_ row: any SQLRow) throws -> Access? {
        guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
        let events = try row.decode(column: "events_json", as: String?.self)
            .map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return Access(role: role, events: events.map(Set.init))
    }
}

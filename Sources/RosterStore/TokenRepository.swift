import Crypto
import Foundation
import RosterCore
import SQLKit

/// API tokens. Only a SHA-256 digest of each token is stored: tokens are 256 random bits, so a
/// fast hash is safe here (unlike passwords) and lets every request be checked in one lookup.
public struct TokenRepository: Sendable {
    let database: RosterDatabase
    let ids: any IDGenerator

    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator()) {
        self.database = database
        self.ids = ids
    }

    /// Creates a token and returns it in clear; it is never shown again.
    public func create(name: String) async throws -> String {
        let token = "rst_" + SessionRepository.randomToken()
        try await database.sql.insert(into: "api_tokens")
            .columns("id", "name", "token_hash", "created_at")
            .values(SQLBind(ids.next()), SQLBind(name), SQLBind(Self.digest(token)), SQLBind(StoreTime.now()))
            .run()
        return token
    }

    /// The name of the token, or `nil` when no such token exists.
    public func verify(_ token: String) async throws -> String? {
        try await database.sql.select().column("name").from("api_tokens")
            .where("token_hash", .equal, Self.digest(token))
            .first(decodingColumn: "name", as: String.self)
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

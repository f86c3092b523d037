import Crypto
import Foundation
import SQLKit
import Synchronization

/// The key that signs page cursors (HMAC-SHA256), so a client can't forge one (a cursor carries
/// the page's total and where to resume). It is made once per database, at random, and kept in
/// `roster_settings`, so every process on one database signs and checks alike.
final class CursorKey: Sendable {
    /// The key's bytes once read (`SymmetricKey` itself is not `Sendable`).
    private let cached = Mutex<Data?>(nil)

    /// The database's key, read (or made) once.
    func key(in database: RosterDatabase) async throws -> SymmetricKey {
        if let bytes = cached.withLock({ $0 }) { return SymmetricKey(data: bytes) }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        try await database.writer.raw("""
            INSERT INTO roster_settings (name, value) VALUES ('cursor_key', \(bind: fresh)) ON CONFLICT (name) DO NOTHING
            """).run()
        let stored = try await database.reader.select().column("value").from("roster_settings").where("name", .equal, "cursor_key")
            .first(decodingColumn: "value", as: String.self)
        guard let stored, let bytes = Data(base64Encoded: stored), bytes.count == 32 else {
            throw StoreError.corrupt("roster_settings.cursor_key is not a 32-byte key")
        }
        cached.withLock { $0 = bytes }
        return SymmetricKey(data: bytes)
    }
}

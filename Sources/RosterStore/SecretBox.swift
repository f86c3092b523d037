import Crypto
import Foundation
import SQLKit

/// Encrypts secrets at rest (consumer secrets, OAuth tokens, PKCE verifiers) with AES-256-GCM.
///
/// Each value is sealed with a `context` (e.g. `connector:<eventId>:refresh_token`) as
/// authenticated data, so a sealed value copied into another row or column does not open.
public struct SecretBox: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// - Throws: ``StoreError/configuration(_:)`` unless `key` is 32 bytes.
    public init(key: [UInt8]) throws(StoreError) {
        guard key.count == 32 else { throw .configuration("the secret key must be 32 bytes (base64 of 32 random bytes), not \(key.count)") }
        self.keyBytes = key
    }

    /// 32 random bytes for a new key.
    public static func generateKey() -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    public func seal(_ plaintext: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw StoreError.corrupt("AES-GCM gave no combined box") }
        return "v1:" + combined.base64EncodedString()
    }

    /// The plaintext of a sealed value.
    /// - Throws: ``StoreError/corrupt(_:)`` when the value was sealed with another key or context.
    public func open(_ sealed: String, context: String) throws(StoreError) -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw .corrupt("a stored secret (\(context)) is not in Roster's sealed format")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key, authenticating: Array(context.utf8)), as: UTF8.self)
        } catch {
            throw .corrupt("a stored secret (\(context)) does not open with this secret key")
        }
    }
}

/// Where the secret key comes from, and the check that it is the database's key.
public enum SecretKeys {
    /// The key from `ROSTER_SECRET_KEY` (base64 of 32 bytes).
    public static func decode(base64 text: String, setting: String) throws(StoreError) -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw .configuration("\(setting) must be the base64 of 32 random bytes (make one with: openssl rand -base64 32)")
        }
        return Array(data)
    }

    /// The key in `path`, made (32 random bytes, base64, mode 0600) when the file is missing.
    public static func loadOrCreate(file path: String) throws(StoreError) -> [UInt8] {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .configuration("the secret key file \(path) cannot be read (ROSTER_SECRET_KEY_FILE)")
            }
            return try decode(base64: text, setting: "the secret key file \(path)")
        }
        let key = SecretBox.generateKey()
        let text = Data(key).base64EncodedString() + "\n"
        guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .configuration("the secret key file \(path) cannot be created; set ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE")
        }
        return key
    }

    private static let checkName = "secret_key_check"
    private static let checkText = "roster secret key check"

    /// Makes sure `box` opens the secrets this database already holds: the first start records
    /// a sealed marker; later starts must open it, or the key is wrong and we stop before
    /// reading garbage.
    public static func verify(_ box: SecretBox, on database: RosterDatabase, setting: String) async throws {
        let stored = try await database.reader.select().column("value").from("roster_settings")
            .where("name", .equal, checkName).first(decodingColumn: "value", as: String.self)
        if let stored {
            do {
                guard try box.open(stored, context: checkName) == checkText else { throw StoreError.corrupt("mismatch") }
            } catch {
                throw StoreError.configuration("\(setting) is not the key this database's secrets were encrypted with; use the original key (or reconnect Salesforce after deleting the connectors' secrets)")
            }
        } else {
            try await database.writer.insert(into: "roster_settings").columns("name", "value")
                .values(SQLBind(checkName), SQLBind(try box.seal(checkText, context: checkName)))
                .ignoringConflicts()
                .run()
        }
    }
}

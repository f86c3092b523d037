import Crypto
import Foundation
import RosterCore

/// Checks a delivery's signature as Standard Webhooks 1.0 defines it
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
/// HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` keyed with the base64 after a
/// secret's `whsec_`, sent in `webhook-signature` as space-separated `v1,<base64>` entries (one
/// per secret the sender signs with, e.g. during a rotation); the timestamp, Unix seconds, within
/// ``tolerance`` of Roster's clock either way. Written here rather than taken from a package: no
/// Swift package on this machine implements the specification, and it is these few lines.
struct StandardWebhookSignature {
    /// How far the sender's timestamp may be from Roster's clock (the specification's 5 minutes).
    static let tolerance: TimeInterval = 5 * 60
    /// The longest `webhook-id` taken (senders use short ids such as `msg_…`).
    static let maxIdBytes = 255

    /// Why a delivery's signature is refused, in words for the delivery history.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case missingHeader(String)
        case idTooLong
        case badTimestamp(String)
        case stale(seconds: Int)
        case noMatch

        var description: String {
            switch self {
            case .missingHeader(let name): "the \(name) header is missing"
            case .idTooLong: "the webhook-id header has more than \(StandardWebhookSignature.maxIdBytes) bytes"
            case .badTimestamp(let value): "webhook-timestamp '\(value.prefix(40))' is not a number of seconds since 1970"
            case .stale(let seconds): "webhook-timestamp is \(abs(seconds)) seconds \(seconds < 0 ? "behind" : "ahead of") Roster's clock; at most \(Int(tolerance)) are accepted (a replay, or a clock that is wrong)"
            case .noMatch: "no signature in webhook-signature matches this webhook's secret"
            }
        }
    }

    let id: String?
    let timestamp: String?
    let signatures: String?

    /// Checks the headers alone: present, and the timestamp within the tolerance of `now`.
    func checkHeaders(now: Date) throws(Refusal) -> (id: String, timestamp: String, signatures: String) {
        guard let id, !id.isEmpty else { throw .missingHeader("webhook-id") }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader("webhook-timestamp") }
        guard let signatures, !signatures.isEmpty else { throw .missingHeader("webhook-signature") }
        guard id.utf8.count <= Self.maxIdBytes else { throw .idTooLong }
        // Digits only, at most 12 (Unix seconds until the year 33658): no sign, and no number
        // whose distance to the clock overflows.
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = Int64(timestamp) else {
            throw .badTimestamp(timestamp)
        }
        let offset = Int(seconds - Int64(now.timeIntervalSince1970.rounded()))
        guard abs(offset) <= Int(Self.tolerance) else { throw .stale(seconds: offset) }
        return (id, timestamp, signatures)
    }

    /// Checks the signature of `body` against each secret.
    /// - Throws: ``Refusal/noMatch`` when no `v1` entry is the signature of any secret.
    func verify(body: [UInt8], secrets: [String], now: Date) throws(Refusal) {
        let (id, timestamp, signatures) = try checkHeaders(now: now)
        // Each v1 entry in the one base64 spelling `expected` has (decoded, then encoded again).
        let offered = signatures.split(separator: " ").compactMap { entry -> String? in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1]))?.base64EncodedString()
        }
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        for secret in secrets {
            let expected = Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: Self.key(of: secret)))).base64EncodedString()
            // Constant time: where a forged signature first differs must not show in how long it takes.
            if offered.contains(where: { ConstantTime.equals($0, expected) }) { return }
        }
        throw .noMatch
    }

    /// The key of a secret: the base64 after `whsec_`.
    static func key(of secret: String) -> [UInt8] {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        return Array(Data(base64Encoded: encoded) ?? Data(encoded.utf8))
    }
}

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import RosterServer

@Suite("Standard Webhooks signatures")
struct StandardWebhookSignatureTests {
    // The example of the Standard Webhooks specification, signed by its Python reference library
    // (standardwebhooks 1.3.0): Webhook(secret).sign(id, 1614265330, body).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    static let sent = Date(timeIntervalSince1970: 1_614_265_330)

    func verify(id: String? = id, timestamp: String? = "1614265330", signature: String? = signature, body: [UInt8] = body,
                secrets: [String] = [secret], now: Date = sent) throws(StandardWebhookSignature.Refusal) {
        try StandardWebhookSignature(id: id, timestamp: timestamp, signatures: signature).verify(body: body, secrets: secrets, now: now)
    }

    @Test("the reference library's signature is accepted, among others and with a second secret")
    func accepted() throws {
        try verify()
        try verify(signature: "v1,bm90IGl0 v1a,xyz " + Self.signature)
        try verify(secrets: ["whsec_" + Data(repeating: 7, count: 32).base64EncodedString(), Self.secret])
        try verify(now: Self.sent.addingTimeInterval(299))
    }

    @Test("a tampered body, another secret, a stale or future timestamp, missing headers are refused")
    func refused() {
        #expect(throws: StandardWebhookSignature.Refusal.noMatch) { try verify(body: Array(#"{"test": 2432232315}"#.utf8)) }
        #expect(throws: StandardWebhookSignature.Refusal.noMatch) { try verify(secrets: ["whsec_" + Data(repeating: 1, count: 24).base64EncodedString()]) }
        #expect(throws: StandardWebhookSignature.Refusal.noMatch) { try verify(id: "msg_other") }
        #expect(throws: StandardWebhookSignature.Refusal.stale(seconds: -301)) { try verify(now: Self.sent.addingTimeInterval(301)) }
        #expect(throws: StandardWebhookSignature.Refusal.stale(seconds: 301)) { try verify(now: Self.sent.addingTimeInterval(-301)) }
        #expect(throws: StandardWebhookSignature.Refusal.missingHeader("webhook-id")) { try verify(id: nil) }
        #expect(throws: StandardWebhookSignature.Refusal.missingHeader("webhook-signature")) { try verify(signature: "") }
        #expect(throws: StandardWebhookSignature.Refusal.badTimestamp("soon")) { try verify(timestamp: "soon") }
        // Numbers whose distance to the clock would overflow are not numbers of seconds here.
        for extreme in ["-9223372036854775808", "9223372036854775807", "+1614265330", "-1", "1e9"] {
            #expect(throws: StandardWebhookSignature.Refusal.badTimestamp(extreme)) { try verify(timestamp: extreme) }
        }
        #expect(throws: StandardWebhookSignature.Refusal.idTooLong) { try verify(id: String(repeating: "m", count: 256)) }
    }
}

@Suite("Registration tools deliver participants by signed webhook")
struct WebhookAPITests {
    /// Signs a delivery as a Standard Webhooks sender does.
    static func sign(_ body: String, id: String, at time: Date, secret: String) -> String {
        let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(Int(time.timeIntervalSince1970)).\(body)".utf8), using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    static func deliver(_ app: TestApp, _ path: String, _ body: String, id: String, secret: String, at time: Date = Date()) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("webhook-id")!] = id
        headers[HTTPField.Name("webhook-timestamp")!] = String(Int(time.timeIntervalSince1970))
        headers[HTTPField.Name("webhook-signature")!] = sign(body, id: id, at: time, secret: secret)
        return try await app.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func people(_ app: TestApp, _ event: String) async throws -> [String: [String: Any]] {
        let items = try #require(try await app.send(.get, "/api/v1/events/\(event)/participants").json()["items"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: items.map { ($0["email"] as! String, $0) })
    }

    @Test("a source with a field map: deliveries stored, a resend answered as the first time, tampering refused, the history kept")
    func deliveries() async throws {
        let clock = MovableClock()
        try await TestApp.run(now: { clock.now }) { app in
            let event = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/events/\(event)/webhooks", json: """
                {"name": "Ticketing", "fieldMap": {"email": "/attendee/email", "firstName": "/attendee/first_name", "lastName": "/attendee/last_name",
                 "hasAttended": "/checked_in", "fields.size": "/answers/0/value"}}
                """)
            #expect(created.status == .created)
            let source = try created.json()
            let secret = try #require(source["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            let url = try #require(source["url"] as? String)
            let path = try #require(URL(string: url)?.path)
            #expect(path == "/hooks/\(source["id"] as! String)")
            let listed = try await app.send(.get, "/api/v1/events/\(event)/webhooks")
            #expect(!String(buffer: listed.body).contains(secret), "a secret is shown once")

            let body = """
                [{"attendee": {"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"}, "checked_in": true, "answers": [{"value": "m"}]},
                 {"attendee": {"email": "bob@example.com", "first_name": "Bob", "last_name": "Ray"}, "checked_in": false},
                 {"attendee": {"email": "not-an-email", "first_name": "X", "last_name": "Y"}}]
                """
            let first = try await Self.deliver(app, path, body, id: "msg_1", secret: secret, at: clock.now)
            #expect(first.status == .ok)
            #expect(try first.json()["created"] as? Int == 2 && first.json()["rejectedCount"] as? Int == 1)
            var stored = try await people(app, event)
            #expect(stored["ann@example.com"]?["hasAttended"] as? Bool == true)
            #expect((stored["ann@example.com"]?["fields"] as? [String: Any])?["size"] as? String == "M")

            // The same webhook-id again, even with another (signed) body: the first answer, nothing changed.
            let again = try await Self.deliver(app, path, body.replacingOccurrences(of: "\"Ann\"", with: "\"Anna\""), id: "msg_1", secret: secret, at: clock.now)
            #expect(again.status == .ok)
            #expect(String(buffer: again.body) == String(buffer: first.body))
            stored = try await people(app, event)
            #expect(stored["ann@example.com"]?["firstName"] as? String == "Ann")

            // Tampered, wrong secret, stale: 401, nothing stored.
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("webhook-id")!] = "msg_2"
            headers[HTTPField.Name("webhook-timestamp")!] = String(Int(Date().timeIntervalSince1970))
            headers[HTTPField.Name("webhook-signature")!] = Self.sign(#"{"attendee": {"email": "eve@example.com"}}"#, id: "msg_2", at: Date(), secret: secret)
            let tampered = try await app.client.execute(uri: path, method: .post, headers: headers,
                                                        body: ByteBuffer(string: #"{"attendee": {"email": "mallory@example.com", "first_name": "M", "last_name": "M"}}"#))
            #expect(tampered.status == .unauthorized)
            #expect(try tampered.apiError().code == "invalid_signature")
            let wrong = try await Self.deliver(app, path, #"{"attendee": {"email": "w@example.com", "first_name": "W", "last_name": "W"}}"#, id: "msg_3",
                                               secret: "whsec_" + Data(repeating: 9, count: 32).base64EncodedString(), at: clock.now)
            #expect(wrong.status == .unauthorized)
            // Refusals are recorded at most every 10 s a source: a flood of them writes nothing more.
            clock.advance(by: 11)
            let stale = try await Self.deliver(app, path, #"{"attendee": {"email": "s@example.com", "first_name": "S", "last_name": "S"}}"#, id: "msg_4",
                                               secret: secret, at: clock.now.addingTimeInterval(-600))
            #expect(stale.status == .unauthorized)
            #expect(try await people(app, event).count == 2)

            let history = try await app.send(.get, "/api/v1/events/\(event)/webhooks/\(source["id"] as! String)/deliveries").json()
            let items = try #require(history["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["outcome"] as? String } == ["refused", "refused", "duplicate", "accepted"])
            #expect(items[3]["created"] as? Int == 2 && items[3]["rejected"] as? Int == 1)
            #expect((items[0]["error"] as? String)?.contains("seconds behind") == true)
            #expect((items[1]["error"] as? String)?.contains("no signature") == true, "the tampered one; the wrong secret 10 s later is not recorded")
        }
    }

    @Test("a rotated secret: the new one signs, the old one for 24 hours; a deleted source answers 401")
    func rotationAndDeletion() async throws {
        let clock = MovableClock()
        try await TestApp.run(now: { clock.now }) { app in
            let event = try await app.createEvent()
            let source = try await app.send(.post, "/api/v1/events/\(event)/webhooks", json: #"{"name": "Site"}"#).json()
            let (id, old) = (source["id"] as! String, source["secret"] as! String)
            let rotated = try await app.send(.post, "/api/v1/events/\(event)/webhooks/\(id)/rotate").json()
            let new = try #require(rotated["secret"] as? String)
            #expect(new != old && rotated["previousSecretValidUntil"] != nil)
            let person = { (email: String) in #"{"email": "\#(email)", "firstName": "A", "lastName": "B"}"# }
            #expect(try await Self.deliver(app, "/hooks/\(id)", person("new@example.com"), id: "m1", secret: new, at: clock.now).status == .ok)
            #expect(try await Self.deliver(app, "/hooks/\(id)", person("old@example.com"), id: "m2", secret: old, at: clock.now).status == .ok)
            clock.advance(by: 24 * 3600 + 1)
            #expect(try await Self.deliver(app, "/hooks/\(id)", person("late@example.com"), id: "m3", secret: old, at: clock.now).status == .unauthorized)
            #expect(try await Self.deliver(app, "/hooks/\(id)", person("fresh@example.com"), id: "m4", secret: new, at: clock.now).status == .ok)

            #expect(try await app.send(.delete, "/api/v1/events/\(event)/webhooks/\(id)").status == .noContent)
            let gone = try await Self.deliver(app, "/hooks/\(id)", person("gone@example.com"), id: "m5", secret: new, at: clock.now)
            #expect(gone.status == .unauthorized)
            #expect(try gone.apiError().code == "invalid_signature")
            #expect(try await people(app, event).keys.sorted() == ["fresh@example.com", "new@example.com", "old@example.com"])
        }
    }

    @Test("an array of 1,000 is stored; 1,001 is refused whole; a body that is not JSON is refused")
    func deliverySizes() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let source = try await app.send(.post, "/api/v1/events/\(event)/webhooks", json: #"{"name": "Bulk"}"#).json()
            let (id, secret) = (source["id"] as! String, source["secret"] as! String)
            func batch(_ count: Int, _ prefix: String) -> String {
                "[" + (1...count).map { #"{"email": "\#(prefix)\#($0)@example.com", "firstName": "P", "lastName": "\#($0)"}"# }.joined(separator: ",") + "]"
            }
            let thousand = try await Self.deliver(app, "/hooks/\(id)", batch(1_000, "a"), id: "big", secret: secret)
            #expect(thousand.status == .ok)
            #expect(try thousand.json()["created"] as? Int == 1_000)
            let more = try await Self.deliver(app, "/hooks/\(id)", batch(1_001, "b"), id: "bigger", secret: secret)
            #expect(more.status == .contentTooLarge)
            let garbage = try await Self.deliver(app, "/hooks/\(id)", "email=a@b.c", id: "form", secret: secret)
            #expect(garbage.status == .badRequest)
            #expect(try await app.send(.get, "/api/v1/events/\(event)").json()["participantCount"] as? Int == 1_000)
            let outcomes = try #require(try await app.send(.get, "/api/v1/events/\(event)/webhooks/\(id)/deliveries").json()["items"] as? [[String: Any]])
            #expect(outcomes.compactMap { $0["outcome"] as? String } == ["refused", "refused", "accepted"])
        }
    }

    @Test("field maps are checked when made: unknown fields and bad pointers are named; presets fill one in")
    func fieldMapsAreChecked() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let refused = try await app.send(.post, "/api/v1/events/\(event)/webhooks", json: #"{"name": "X", "fieldMap": {"email": "email", "phone": "/p"}}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(Set(try refused.apiError().details.compactMap { $0["field"] as? String }) == ["fieldMap.email", "fieldMap.phone"])
            let zoom = try await app.send(.post, "/api/v1/events/\(event)/webhooks", json: #"{"name": "Zoom", "preset": "zoom-webinar"}"#).json()
            #expect((zoom["fieldMap"] as? [String: String])?["email"] == "/payload/object/registrant/email")
        }
    }
}

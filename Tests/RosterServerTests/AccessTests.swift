import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import RosterStore
import Testing

/// Who may do what (SPEC S62): the router decides, whatever the path's spelling; tokens and
/// users have a role and events; tokens are revoked and expire at once.
@Suite("Access: the router authenticates, roles and events scope, tokens revoke")
struct AccessTests {
    @Test("an anonymous caller reaches nothing under any spelling of a route, and writes nothing")
    func anonymousCallersUnderEverySpelling() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            let body = #"{"email": "anon@example.com", "firstName": "A", "lastName": "B"}"#
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/events", nil), (.get, "/api/v1/events/\(eventId)/participants", nil),
                (.post, "/api/v1/events/\(eventId)/participants", body), (.get, "/api/v1/events/\(eventId)/participants/export", nil),
                (.put, "/api/v1/events/\(eventId)/connectors/salesforce", #"{"loginUrl": "http://127.0.0.1:18999"}"#),
                (.get, "/api/v1/tokens", nil),
            ]
            for (method, path, json) in routes {
                let spellings = [path, "/" + path, path.replacingOccurrences(of: "/api/", with: "/api//"),
                                 path.replacingOccurrences(of: "/v1/", with: "/v1//"), path + "/",
                                 path.replacingOccurrences(of: "/v1/", with: "/v1%2F"), path.replacingOccurrences(of: "/v1/", with: "/v1/./")]
                for spelling in spellings {
                    let response = try await app.send(method, spelling, json: json, authorized: false)
                    #expect([400, 401].contains(response.status.code), "\(method) \(spelling) answered \(response.status.code)")
                    let expected = spelling == path ? "unauthorized" : "non_canonical_path"
                    #expect(try response.apiError().code == expected, "\(method) \(spelling)")
                }
            }
            let list = try await app.send(.get, "/api/v1/events/\(eventId)/participants").json()
            #expect(list["total"] as? Int == 0, "nothing was written")
            let connector = try await app.send(.get, "/api/v1/events/\(eventId)/connectors/salesforce").json()
            #expect(connector["loginUrl"] as? String == "https://login.salesforce.com")
        }
    }

    @Test("roles and events: 404 outside the caller's events, 403 for what the role lacks, lists filtered")
    func rolesAndEvents() async throws {
        try await TestApp.run { app in
            let a = try await app.createEvent(), b = try await app.createEvent()
            func token(_ name: String, _ role: String, _ events: [String]) async throws -> String {
                let events = events.map { "\"\($0)\"" }.joined(separator: ",")
                let response = try await app.send(.post, "/api/v1/tokens", json: #"{"name": "\#(name)", "role": "\#(role)", "events": [\#(events)]}"#)
                #expect(response.status == .created)
                return try #require(try response.json()["token"] as? String)
            }
            let registrar = try await token("site", "registrar", [a])
            let viewer = try await token("screen", "viewer", [a])
            let organiser = try await token("team a", "organiser", [a])
            let person = #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"}"#

            let created = try await app.send(.post, "/api/v1/events/\(a)/participants", json: person, as: registrar)
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)
            // What another site stored is not shown to a registrar writing the same email.
            #expect(try await app.send(.patch, "/api/v1/events/\(a)/participants/\(id)", json: #"{"company": "Secret Co", "fields": {"bio": "private"}}"#).status == .ok)
            let again = try await app.send(.post, "/api/v1/events/\(a)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "hasAttended": true}"#, as: registrar)
            #expect(again.status == .ok)
            let shown = try again.json()
            #expect(shown["id"] as? String == id && shown["hasAttended"] as? Bool == true)
            #expect(shown["company"] as? String == "" && shown["firstName"] as? String == "Ada")
            #expect((shown["fields"] as? [String: Any])?.isEmpty == true)
            #expect((shown["salesforce"] as? [String: Any])?["contactId"] is NSNull)
            let full = try await app.send(.get, "/api/v1/events/\(a)/participants/\(id)").json()
            #expect(full["company"] as? String == "Secret Co", "the record itself is unchanged")
            let byId = try await app.send(.patch, "/api/v1/events/\(a)/participants/\(id)", json: #"{"hasAttended": false}"#, as: registrar)
            #expect(byId.status == .ok)
            #expect(try byId.json()["email"] as? String == "", "a registrar changing a person by id is not told their email")
            #expect(try byId.json()["hasAttended"] as? Bool == false)
            let refused = try await app.send(.get, "/api/v1/events/\(a)/participants", as: registrar)
            #expect(refused.status == .forbidden)
            #expect(try refused.apiError().code == "forbidden")
            #expect(try refused.apiError().message.contains("participants.read"))
            #expect(try await app.send(.get, "/api/v1/events/\(a)/participants/export?format=csv", as: viewer).status == .forbidden)
            // A run's results as a file are an export too: every email of the run.
            let run = try #require(try await app.send(.post, "/api/v1/events/\(a)/connectors/salesforce/sync", json: "{}", as: organiser).json()["runId"] as? String)
            let results = "/api/v1/events/\(a)/connectors/salesforce/runs/\(run)/results"
            #expect(try await app.send(.get, results + "?format=csv", as: viewer).status == .forbidden)
            #expect(try await app.send(.get, results, as: viewer).status == .ok, "the page a viewer reads stays open")
            #expect(try await app.send(.get, results + "?format=csv", as: organiser).status == .ok)
            #expect(try await app.send(.get, "/api/v1/events/\(a)/participants", as: viewer).status == .ok)
            #expect(try await app.send(.post, "/api/v1/events/\(a)/participants", json: person, as: viewer).status == .forbidden)
            #expect(try await app.send(.get, "/api/v1/events/\(a)/connectors/salesforce", as: viewer).status == .forbidden)
            #expect(try await app.send(.get, "/api/v1/events/\(a)/participants/export?format=csv", as: organiser).status == .ok)
            #expect(try await app.send(.get, "/api/v1/tokens", as: organiser).status == .forbidden)

            for caller in [registrar, viewer, organiser] {
                // Event B is outside: the same 404 as an event that does not exist, even where the role would be refused.
                for path in ["/api/v1/events/\(b)", "/api/v1/events/\(b)/participants", "/api/v1/events/\(b)/connectors/salesforce"] {
                    let response = try await app.send(.get, path, as: caller)
                    #expect(response.status == .notFound)
                    #expect(try response.apiError().code == "event_not_found")
                }
                let listed = try #require(try await app.send(.get, "/api/v1/events", as: caller).json()["items"] as? [[String: Any]])
                #expect(listed.compactMap { $0["id"] as? String } == [a])
            }
            let missing = try await app.send(.get, "/api/v1/events/nope")
            #expect(try missing.apiError().code == "event_not_found")
            let all = try #require(try await app.send(.get, "/api/v1/events").json()["items"] as? [[String: Any]])
            #expect(Set(all.compactMap { $0["id"] as? String }) == [a, b])
        }
    }

    @Test("tokens are listed without their secret, revoked at once, refused once expired")
    func tokensLifecycle() async throws {
        try await TestApp.run { app in
            for (json, field) in [(#"{"name": "x", "expiresInDays": 9223372036854775807}"#, "expiresInDays"), (#"{"name": "x", "expiresInDays": 0}"#, "expiresInDays"),
                                  (#"{"name": "x", "events": []}"#, "events"), (#"{"name": "x", "events": ["nope"]}"#, "events"), (#"{"name": " "}"#, "name")] {
                let refused = try await app.send(.post, "/api/v1/tokens", json: json)
                #expect(refused.status == .unprocessableContent, "\(json)")
                #expect(try refused.apiError().details.first?["field"] as? String == field, "\(json)")
            }
            let created = try await app.send(.post, "/api/v1/tokens", json: #"{"name": "kiosk", "role": "registrar", "expiresInDays": 30}"#)
            #expect(created.status == .created)
            let kiosk = try #require(try created.json()["token"] as? String)
            #expect(try await app.send(.get, "/api/v1/events", as: kiosk).status == .ok)
            let duplicate = try await app.send(.post, "/api/v1/tokens", json: #"{"name": "kiosk"}"#)
            #expect(duplicate.status == .conflict)

            let listing = try await app.send(.get, "/api/v1/tokens")
            let text = String(buffer: listing.body)
            #expect(!text.contains(kiosk) && !text.contains(app.token), "the list never shows a token")
            let items = try #require(try listing.json()["items"] as? [[String: Any]])
            let row = try #require(items.first { $0["name"] as? String == "kiosk" })
            #expect(row["role"] as? String == "registrar")
            #expect(row["events"] is NSNull)
            #expect(row["expiresAt"] is String)
            #expect(row["lastUsedAt"] is String, "its use was recorded")

            #expect(try await app.send(.delete, "/api/v1/tokens/kiosk").status == .noContent)
            let revoked = try await app.send(.get, "/api/v1/events", as: kiosk)
            #expect(revoked.status == .unauthorized)
            #expect(try await app.send(.delete, "/api/v1/tokens/kiosk").status == .notFound)

            // Expired a second ago, written as another process (`roster token create`) would.
            var expired = ""
            try await app.withDatabase { database in
                expired = try await TokenRepository(database: database).create(name: "old", expiresAt: Date().addingTimeInterval(-1))
            }
            #expect(try await app.send(.get, "/api/v1/events", as: expired).status == .unauthorized)
            // Revoked by another process while the server runs: refused on the next request.
            var other = ""
            try await app.withDatabase { other = try await TokenRepository(database: $0).create(name: "other") }
            #expect(try await app.send(.get, "/api/v1/events", as: other).status == .ok)
            try await app.withDatabase { try await TokenRepository(database: $0).revoke(name: "other") }
            #expect(try await app.send(.get, "/api/v1/events", as: other).status == .unauthorized)
        }
    }

    @Test("the consumer secret stays with its Salesforce: a new login URL or key forgets it")
    func secretBoundToItsApp() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            let moved = try await fixture.put(#"{"consumerKey": "another-app"}"#)
            #expect(moved.status == .ok)
            let settings = try moved.json()
            #expect(settings["consumerSecretSet"] as? Bool == false)
            #expect((settings["connection"] as? [String: Any])?["state"] as? String == "disconnected")
            let connect = try await app.send(.post, "\(fixture.base)/connect", json: #"{"flow": "clientCredentials"}"#)
            #expect(connect.status == .unprocessableContent)
            #expect(try connect.apiError().details.first?["field"] as? String == "consumerSecret")
            let codes = try #require(try await fixture.check()["errors"] as? [[String: Any]]).compactMap { $0["code"] as? String }
            #expect(codes.contains("consumer_secret_missing"))

            // A new key with its secret in the same request keeps the secret.
            let config = fixture.running.configuration
            let back = try await fixture.put(#"{"consumerKey": "\#(config.consumerKey)", "consumerSecret": "\#(config.consumerSecret)"}"#)
            #expect(try back.json()["consumerSecretSet"] as? Bool == true)
            try await fixture.connect()
        }
    }

    @Test("login and instance URLs only on Salesforce's hosts or the operator's", arguments: [
        "http://10.0.0.1:18999", "https://evil.example", "http://127.0.0.1.evil.example", "https://login.salesforce.com.evil.example",
        "http://login.salesforce.com", "https://user:pw@login.salesforce.com",
    ])
    func refusedLoginURLs(url: String) async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            let response = try await app.send(.put, "/api/v1/events/\(eventId)/connectors/salesforce", json: #"{"loginUrl": "\#(url)"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.apiError().details.first?["field"] as? String == "loginUrl")
            let allowed = try await app.send(.put, "/api/v1/events/\(eventId)/connectors/salesforce", json: #"{"loginUrl": "https://acme.my.salesforce.com"}"#)
            #expect(allowed.status == .ok)
        }
    }

    @Test("an instance URL on a host not allowed is refused at connect and named by the check")
    func refusedInstance() async throws {
        // Only `localhost` is allowed: the sandbox answers with an instance_url on 127.0.0.1.
        try await TestApp.run(withSandbox: true, salesforceHosts: "localhost") { app in
            let running = try #require(app.sandbox)
            let eventId = try await app.createEvent()
            let config = running.configuration
            let login = running.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            let put = try await app.send(.put, "/api/v1/events/\(eventId)/connectors/salesforce", json: """
                {"loginUrl": "\(login)", "consumerKey": "\(config.consumerKey)", "consumerSecret": "\(config.consumerSecret)"}
                """)
            #expect(put.status == .ok)
            let connect = try await app.send(.post, "/api/v1/events/\(eventId)/connectors/salesforce/connect", json: #"{"flow": "clientCredentials"}"#)
            #expect(connect.status == .unprocessableContent)
            #expect(try connect.apiError().code == "instance_url_not_allowed")
            let view = try await app.send(.get, "/api/v1/events/\(eventId)/connectors/salesforce").json()
            #expect((view["connection"] as? [String: Any])?["state"] as? String == "disconnected", "the tokens were not kept")
        }
    }

    @Test("answers carry nosniff; the OAuth callback its own policy; /metrics may need a token")
    func headers() async throws {
        try await TestApp.run(metricsToken: "metrics-token-0123456789") { app in
            let api = try await app.send(.get, "/api/v1/events")
            #expect(api.headers[.xContentTypeOptions] == "nosniff")
            let callback = try await app.send(.get, "/oauth/salesforce/callback?error=access_denied&error_description=%3Cscript%3Ex", authorized: false)
            #expect(callback.status == .badRequest)
            let policy = try #require(callback.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'sha256-") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
            #expect(callback.headers[.cacheControl] == "no-store")
            #expect(callback.headers[.init("Referrer-Policy")!] == "no-referrer")
            #expect(!String(buffer: callback.body).contains("<script>x"), "the description is escaped")

            #expect(try await app.send(.get, "/metrics", authorized: false).status == .unauthorized)
            #expect(try await app.send(.get, "/metrics").status == .unauthorized, "an API token is not the metrics token")
            var headers = HTTPFields()
            headers[.authorization] = "Bearer metrics-token-0123456789"
            #expect(try await app.client.execute(uri: "/metrics", method: .get, headers: headers).status == .ok)

            var big = HTTPFields()
            big[.init("X-Padding")!] = String(repeating: "x", count: 20_000)
            #expect(try await app.client.execute(uri: "/healthz", method: .get, headers: big).status.code == 431)
        }
    }

    @Test("a connection that sends nothing is closed after the idle timeout")
    func idleConnectionsAreClosed() async throws {
        try await TestApp.run(idleTimeout: .seconds(1)) { app in
            let port = try #require(app.client.port)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
            // Waits for the server to close it; if it never did, the test would fail at this deadline instead of hanging.
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await channel.closeFuture.get(); return true }
                group.addTask { try await Task.sleep(for: .seconds(30)); return false }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !closed { try? await channel.close() }
            #expect(closed, "the server kept an idle connection open for 30 s")
        }
    }
}

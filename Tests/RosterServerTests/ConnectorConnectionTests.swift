import Foundation
import HummingbirdTesting
import RosterStore
import SalesforceClient
import SalesforceSandbox
import Testing

@Suite("Salesforce connection: OAuth flows, check, campaign, secrets at rest")
struct ConnectorConnectionTests {
    @Test("client credentials connect at once, and the demo-like setup checks clean")
    func clientCredentials() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""mappings": {"contact": {"size": "Title"}}"#)
            for index in 0..<3 {
                try await app.send(.post, "/api/v1/events/\(fixture.eventId)/participants",
                                   json: #"{"email": "p\#(index)@example.org", "firstName": "P", "lastName": "\#(index)"}"#)
            }
            let connected = try await fixture.connect().json()
            let connection = try #require(connected["connection"] as? [String: Any])
            #expect(connection["state"] as? String == "connected")
            #expect(connection["username"] as? String == fixture.running.configuration.username)
            #expect(connection["instanceUrl"] as? String == fixture.running.baseURL)

            let callsBefore = fixture.running.sandbox.apiCallCount
            let report = try await fixture.check()
            #expect(report["ok"] as? Bool == true, "\(report)")
            #expect(report.issues("errors").isEmpty)
            let usage = try #require(report["apiUsage"] as? [String: Int])
            // The org's count as its last answer to the check gave it: past the calls made before
            // the check, and none the sandbox did not count (the live sync may call meanwhile).
            let used = try #require(usage["used"])
            #expect(used > callsBefore && used <= fixture.running.sandbox.apiCallCount)
            #expect(usage["max"] == SandboxDefaults.apiDailyLimit)
            // 3 people: ⌈(2 + 1)/5⌉ + 2·⌈1/5⌉ + 1 = 4.
            #expect(report["estimatedCallsForFullSync"] as? Int == 4)
            let settings = try await fixture.settings()
            #expect((settings["campaignId"] as? String)?.hasPrefix("701") == true)
        }
    }

    @Test("a misspelled campaign is reported with its closest names")
    func misspelledCampaign() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""campaignName": "tech sumit 2026 ""#)
            try await fixture.connect()
            let report = try await fixture.check()
            #expect(report["ok"] as? Bool == false)
            #expect(report.issues("errors").contains { $0 == ("campaign_not_found", "campaignName") })
            let message = try #require(report.message("errors", code: "campaign_not_found"))
            #expect(message.contains("did you mean Tech Summit 2026?") || message.contains("Did you mean Tech Summit 2026?"), "\(message)")
            #expect(!message.contains("Spring Webinar"))
        }
    }

    @Test("the web-server flow: PKCE S256 and a single-use state; replayed and foreign states are refused")
    func webServerFlow() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            let callback = try await WebServerLogin.run(fixture)
            #expect(callback.status == .ok)
            #expect(String(buffer: callback.body).contains("window.close()"))
            let connection = try #require(try await fixture.settings()["connection"] as? [String: Any])
            #expect(connection["state"] as? String == "connected")
            #expect(connection["username"] as? String == fixture.running.configuration.username)

            let replay = try await app.client.execute(uri: WebServerLogin.lastCallback, method: .get)
            #expect(replay.status == .badRequest)
            #expect(String(buffer: replay.body).contains("already used"))
            let foreign = try await app.client.execute(uri: "/oauth/salesforce/callback?code=abc&state=forged", method: .get)
            #expect(foreign.status == .badRequest)
            let declined = try await app.client.execute(uri: "/oauth/salesforce/callback?error=access_denied&error_description=end-user+denied+authorization&state=x", method: .get)
            #expect(declined.status == .badRequest)
            #expect(String(buffer: declined.body).contains("end-user denied authorization"))
            #expect(try await fixture.check()["ok"] as? Bool == true)
        }
    }

    @Test("a login whose app settings changed before its callback is refused, the code never exchanged (issue 34, #8)")
    func callbackAfterASettingsChange() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            let refused = try await WebServerLogin.run(fixture, finish: { callback in
                #expect(try await fixture.put(#"{"consumerSecret": "rotated"}"#).status == .ok)
                return try await app.client.execute(uri: callback, method: .get)
            })
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("consumer key or secret changed after this Salesforce login began"), "\(refused.text)")
            #expect(try await fixture.settings()["connection"].flatMap { $0 as? [String: Any] }?["state"] as? String == "disconnected")
            #expect(fixture.running.sandbox.oauthCounts.codeExchanges == 0, "the code was sent to Salesforce")

            // The same settings again: a new login goes through.
            #expect(try await fixture.put(fixture.defaultSettings()).status == .ok)
            #expect(try await WebServerLogin.run(fixture).status == .ok)
            #expect(fixture.running.sandbox.oauthCounts.codeExchanges == 1)
        }
    }

    @Test("a refresh after forced expiry goes unnoticed; a revoked refresh token turns the connection broken, with a metric")
    func expiryAndRevocation() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            _ = try await WebServerLogin.run(fixture)
            fixture.running.sandbox.expireAccessTokens()
            #expect(try await fixture.check()["ok"] as? Bool == true)

            fixture.running.sandbox.revokeRefreshTokens()
            let report = try await fixture.check()
            #expect(report.issues("errors").contains { $0 == ("token_refused", "connection") }, "\(report)")
            let connection = try #require(try await fixture.settings()["connection"] as? [String: Any])
            #expect(connection["state"] as? String == "broken")
            // The bare reason, which the screen's alert and the check's message wrap.
            #expect(connection["error"] as? String == "Salesforce refused to renew the session (invalid_grant)")
            let metrics = String(buffer: try await app.client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"roster_salesforce_connection_up{event="\#(fixture.eventId)"} 0"#), "\(metrics)")
            #expect(try await fixture.check().issues("errors").contains { $0 == ("connection_broken", "connection") })

            // Logging in again mends it.
            _ = try await WebServerLogin.run(fixture)
            #expect(try await fixture.check()["ok"] as? Bool == true)
            let after = String(buffer: try await app.client.execute(uri: "/metrics", method: .get).body)
            #expect(after.contains(#"roster_salesforce_connection_up{event="\#(fixture.eventId)"} 1"#))
        }
    }

    @Test("secrets are encrypted at rest: the database holds neither the consumer secret nor a token")
    func encryptedAtRest() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            _ = try await WebServerLogin.run(fixture)
            let stored = try #require(try await app.storedConnector(eventId: fixture.eventId))
            let secrets = [fixture.running.configuration.consumerSecret, try #require(stored.accessToken), try #require(stored.refreshToken)]
            var bytes = Data()
            for suffix in ["", "-wal"] { bytes += (FileManager.default.contents(atPath: app.databasePath + suffix) ?? Data()) }
            #expect(bytes.count > 10_000)
            for secret in secrets { #expect(bytes.range(of: Data(secret.utf8)) == nil, "a secret is in the database file in clear") }
            let permissions = try FileManager.default.attributesOfItem(atPath: app.databasePath + ".key")[.posixPermissions] as? Int
            #expect(permissions == 0o600)
        }
    }

    @Test("disconnect revokes the refresh token at Salesforce and forgets it")
    func disconnect() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            _ = try await WebServerLogin.run(fixture)
            let refresh = try #require(try await app.storedConnector(eventId: fixture.eventId)?.refreshToken)

            let response = try await app.send(.delete, "\(fixture.base)/connection")
            #expect(response.status == .ok)
            #expect((try response.json()["connection"] as? [String: Any])?["state"] as? String == "disconnected")
            let http = SalesforceHTTPClient()
            let app2 = OAuthApp(loginURL: fixture.running.baseURL, consumerKey: fixture.running.configuration.consumerKey,
                                consumerSecret: fixture.running.configuration.consumerSecret)
            await #expect(throws: SalesforceFailure.self) { _ = try await OAuthClient(transport: http).refresh(refreshToken: refresh, app: app2) }
            try await http.shutdown()
            #expect(try await fixture.check().issues("errors").contains { $0 == ("not_connected", "connection") })
        }
    }

    @Test("a new consumer secret ends the connection made with the old one: its tokens are revoked at Salesforce, not left valid")
    func newSecretRevokes() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            _ = try await WebServerLogin.run(fixture)
            let refresh = try #require(try await app.storedConnector(eventId: fixture.eventId)?.refreshToken)
            let saved = try await fixture.put(#"{"consumerSecret": "rotated"}"#).json()
            #expect((saved["connection"] as? [String: Any])?["state"] as? String == "disconnected")
            let http = SalesforceHTTPClient()
            let oldApp = OAuthApp(loginURL: fixture.running.baseURL, consumerKey: fixture.running.configuration.consumerKey,
                                  consumerSecret: fixture.running.configuration.consumerSecret)
            await #expect(throws: SalesforceFailure.self, "the old refresh token was revoked") {
                _ = try await OAuthClient(transport: http).refresh(refreshToken: refresh, app: oldApp)
            }
            try await http.shutdown()
        }
    }

    @Test("a missing campaign is created with both statuses when asked, and only once")
    func createCampaign() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""campaignName": "Brand New Expo", "registeredStatus": "Signed up", "attendedStatus": "Came""#)
            try await fixture.connect()
            #expect(try await fixture.check().issues("errors").contains { $0 == ("campaign_not_found", "campaignName") })
            let created = try await app.send(.post, "\(fixture.base)/campaign")
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)
            #expect(try created.json()["name"] as? String == "Brand New Expo")
            let statuses = try fixture.org.query("SELECT Label, HasResponded, IsDefault FROM CampaignMemberStatus WHERE CampaignId = '\(id)'")
            let byLabel = Dictionary(uniqueKeysWithValues: statuses.map { ($0["Label"]?.stringValue ?? "", $0) })
            #expect(byLabel["Came"]?["HasResponded"]?.boolValue == true)
            #expect(byLabel["Signed up"]?["IsDefault"]?.boolValue == true)
            let report = try await fixture.check()
            #expect(report["ok"] as? Bool == true, "\(report)")
            #expect(try await fixture.settings()["campaignId"] as? String == id)
            let again = try await app.send(.post, "\(fixture.base)/campaign")
            #expect(again.status == .conflict)
            #expect(try again.apiError().code == "campaign_exists")
        }
    }

    @Test("a campaign a screen names before saving is created, and is not the event's campaign until the settings are saved with it")
    func createUnsavedCampaign() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.connect()
            #expect(try await fixture.check()["ok"] as? Bool == true)
            let campaignBefore = try #require(try await fixture.settings()["campaignId"] as? String)
            let created = try await app.send(.post, "\(fixture.base)/campaign", json: #"{"name": "Tech Summit 2O26", "registeredStatus": "Booked"}"#)
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)
            #expect(try fixture.org.query("SELECT Label FROM CampaignMemberStatus WHERE CampaignId = '\(id)'").contains { $0["Label"]?.stringValue == "Booked" })
            let settings = try await fixture.settings()
            #expect(settings["campaignName"] as? String == ConnectorFixture.campaign, "the settings are as saved")
            #expect(settings["campaignId"] as? String == campaignBefore, "the event keeps its campaign")

            _ = try await fixture.put(#"{"campaignName": "Tech Summit 2O26", "registeredStatus": "Booked"}"#)
            #expect(try await fixture.check()["ok"] as? Bool == true)
            #expect(try await fixture.settings()["campaignId"] as? String == id, "saved with its name: now the event's")
        }
    }
}

extension TestApp {
    /// The connector as stored, secrets opened with the app's key file (what a test inspects).
    func storedConnector(eventId: String) async throws -> StoredConnector? {
        let database = try RosterDatabase(url: .sqlite(path: databasePath), logger: .init(label: "test"))
        let box = try SecretBox(key: try SecretKeys.loadOrCreate(file: databasePath + ".key"))
        do {
            let stored = try await ConnectorRepository(database: database, secrets: box).find(eventId: eventId)
            try await database.shutdown()
            return stored
        } catch {
            try? await database.shutdown()
            throw error
        }
    }
}

/// Drives the web-server flow as a browser would: Roster's authorize URL, the sandbox's login
/// form, the redirect back to Roster's callback.
enum WebServerLogin {
    nonisolated(unsafe) static var lastCallback = ""

    /// - Parameters:
    ///   - start: asks Roster for the authorize URL (by default with the API token);
    ///   - finish: follows the redirect to Roster's callback (by default with no cookie).
    static func run(_ fixture: ConnectorFixture,
                    start: ((ConnectorFixture) async throws -> TestResponse)? = nil,
                    finish: ((String) async throws -> TestResponse)? = nil) async throws -> TestResponse {
        let started = if let start { try await start(fixture) } else {
            try await fixture.app.send(.post, "\(fixture.base)/connect", json: #"{"flow": "webServer"}"#)
        }
        #expect(started.status == .ok)
        let authorize = try #require(try started.json()["authorizeUrl"] as? String)
        #expect(authorize.hasPrefix("\(fixture.running.baseURL)/services/oauth2/authorize?"))
        let query = FormEncoding.parameters(String(authorize.split(separator: "?")[1]))
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["code_challenge"]?.count == 43)
        #expect((query["state"]?.count ?? 0) >= 32)
        #expect(query["redirect_uri"]?.hasSuffix("/oauth/salesforce/callback") == true)
        #expect(query["scope"] == "api refresh_token offline_access")

        let http = SalesforceHTTPClient()
        do {
            let result = try await login(fixture, authorize: authorize, query: query, http: http, finish: finish)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private static func login(_ fixture: ConnectorFixture, authorize: String, query: [String: String], http: SalesforceHTTPClient,
                              finish: ((String) async throws -> TestResponse)?) async throws -> TestResponse {
        let page = try await http.send(HTTPExchange(method: "GET", url: authorize), timeout: .seconds(10))
        #expect(page.status == 200)
        var form = query.map { ($0.key, $0.value) }
        form += [("username", fixture.running.configuration.username), ("pw", fixture.running.configuration.password)]
        let login = try await http.send(HTTPExchange(method: "POST", url: "\(fixture.running.baseURL)/services/oauth2/authorize",
                                                     headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                     body: Array(FormEncoding.encode(form).utf8)), timeout: .seconds(10))
        #expect(login.status == 302)
        let location = try #require(login.header("Location"))
        let path = try #require(location.range(of: "/oauth/salesforce/callback")).lowerBound
        lastCallback = String(location[path...])
        if let finish { return try await finish(lastCallback) }
        return try await fixture.app.client.execute(uri: lastCallback, method: .get)
    }
}

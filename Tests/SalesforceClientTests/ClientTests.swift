import Foundation
import SalesforceClient
import SalesforceSandbox
import Testing

@Suite("Salesforce client against the sandbox")
struct ClientTests {
    @Test("Sforce-Limit-Info is read by name, whatever follows it")
    func limitInfo() {
        #expect(APIUsage(limitInfoHeader: "api-usage=110018/100000; api-bursts=1/750") == APIUsage(used: 110_018, max: 100_000))
        #expect(APIUsage(limitInfoHeader: "api-bursts=1/750;api-usage=5/15000") == APIUsage(used: 5, max: 15_000))
        #expect(APIUsage(limitInfoHeader: "api-bursts=1/750") == nil)
    }

    @Test("client credentials log in; queries page through nextRecordsUrl; usage is tracked")
    func queryPaging() async throws {
        try await LiveOrg.run { live in
            _ = try live.org.bulkCreate("Contact", (0..<2_500).map { ["LastName": .string("C\($0)")] })
            let client = try await live.client()
            let records = try await client.queryAll(SOQL.select(["Id", "LastName"], from: "Contact"))
            #expect(records.count == 2_500)
            #expect(await client.callCount == 2)
            let usage = try #require(await client.apiUsage)
            #expect(usage.used == live.sandbox.apiCallCount)
            #expect(usage.max == SandboxDefaults.apiDailyLimit)
            #expect(try await client.limits().used == usage.used + 1)
            // Past the caller's bound, a query that keeps paging ends in a clear error.
            let before = await client.callCount
            await #expect(throws: SalesforceFailure.self) {
                _ = try await client.queryAll(SOQL.select(["Id"], from: "Contact").text, maxRecords: 1_000)
            }
            #expect(await client.callCount - before == 1, "it stopped after the first page: 2,000 records > 1,000")
        }
    }

    @Test("a 2,000-email IN goes in a Composite body, one call, never a URL past 16,384 bytes")
    func longQueryThroughComposite() async throws {
        try await LiveOrg.run { live in
            _ = try live.org.bulkCreate("Contact", (0..<3).map { ["LastName": "C", "Email": .string("person\($0)@example.org")] })
            let client = try await live.client()
            let emails = (0..<2_000).map { "person\($0)@example.org" }
            let before = live.sandbox.apiCallCount
            let records = try await client.queryAll(SOQL.select(["Email"], from: "Contact", where: .in("Email", emails)))
            #expect(records.count == 3)
            #expect(live.sandbox.apiCallCount == before + 1)
            let last = try #require(live.sandbox.requests.last)
            #expect(last.method == "POST" && last.uri.hasSuffix("/composite"))
            #expect(live.sandbox.requests.allSatisfy { $0.uri.utf8.count < 16_384 })
        }
    }

    @Test("an expired session is renewed once and the request goes on")
    func renewal() async throws {
        try await LiveOrg.run { live in
            let log = HookLog()
            let client = try await live.client(hooks: log.hooks)
            let before = await client.tokens
            live.sandbox.expireAccessTokens()
            _ = try await client.queryAll("SELECT Id FROM User")
            #expect(await client.tokens.accessToken != before.accessToken)
            #expect(await log.renewed.count == 1)
            #expect(await log.broken.isEmpty)
        }
    }

    @Test("a revoked refresh token breaks the connection and says so once")
    func revokedRefreshToken() async throws {
        try await LiveOrg.run { live in
            // A refresh token comes with the web-server flow; the password grant of the sandbox
            // has none, so take one through the login page's code.
            let tokens = try await WebLogin.tokens(live)
            let refresh = try #require(tokens.refreshToken)
            let log = HookLog()
            let client = SalesforceClient(app: live.app, tokens: tokens, renewal: .refreshToken(refresh), transport: live.http,
                                          retry: LiveOrg.fastRetry, hooks: log.hooks)
            live.sandbox.revokeRefreshTokens()
            await #expect(throws: SalesforceFailure.self) { _ = try await client.queryAll("SELECT Id FROM User") }
            do throws(SalesforceFailure) {
                _ = try await client.queryAll("SELECT Id FROM User")
                Issue.record("a broken connection answered")
            } catch {
                guard case .connectionBroken = error else { Issue.record("expected connectionBroken, got \(error)"); return }
            }
            #expect(await log.broken.count == 1)
            #expect(await log.renewed.isEmpty)
        }
    }

    @Test("503 and 500 are retried; a read whose connection dropped is retried")
    func retries() async throws {
        try await LiveOrg.run { live in
            let client = try await live.client()
            live.sandbox.queueFaults([.serverUnavailable, .internalServerError, .dropBeforeCommit])
            let before = live.sandbox.apiCallCount
            let records = try await client.queryAll("SELECT Id FROM User")
            #expect(records.count == 1)
            #expect(live.sandbox.apiCallCount == before + 4)
        }
    }

    @Test("a write whose answer was lost is reported as outcome unknown, never sent twice")
    func lostWrite() async throws {
        try await LiveOrg.run { live in
            let client = try await live.client()
            live.sandbox.queueFaults([.dropAfterCommit])
            do throws(SalesforceFailure) {
                _ = try await client.create("Contact", ["LastName": "Lost", "Email": "lost@example.org"])
                Issue.record("the dropped write answered")
            } catch {
                guard case .outcomeUnknown = error else { Issue.record("expected outcomeUnknown, got \(error)"); return }
            }
            #expect(live.org.count("Contact") == 1)
        }
    }

    @Test("errors keep Salesforce's code, message and fields, per request and per record")
    func typedErrors() async throws {
        try await LiveOrg.run { live in
            let client = try await live.client()
            do throws(SalesforceFailure) {
                _ = try await client.create("Contact", ["FirstName": "NoLastName"])
                Issue.record("a Contact without LastName was created")
            } catch {
                guard case .api(let status, let errors) = error else { Issue.record("\(error)"); return }
                #expect(status == 400)
                #expect(errors.first?.errorCode == "REQUIRED_FIELD_MISSING")
                #expect(errors.first?.fields == ["LastName"])
            }
            let results = try await client.createCollection([
                RecordWrite(object: "Contact", fields: ["LastName": "Fine"]),
                RecordWrite(object: "Contact", fields: ["FirstName": "Missing"]),
            ])
            #expect(results.map(\.success) == [true, false])
            #expect(results[0].id?.hasPrefix("003") == true)
            #expect(results[1].errors.first?.errorCode == "REQUIRED_FIELD_MISSING")
            await #expect(throws: SalesforceFailure.self) {
                _ = try await client.createCollection((0..<201).map { _ in RecordWrite(object: "Contact", fields: ["LastName": "X"]) })
            }
        }
    }

    @Test("describes are cached per connection and refreshed on request")
    func describeCache() async throws {
        try await LiveOrg.run { live in
            let client = try await live.client()
            let first = try await client.describe(["Contact", "Lead", "CampaignMember"])
            #expect(first["Lead"]?.field("Company")?.isRequiredOnCreate == true)
            let calls = live.sandbox.apiCallCount
            _ = try await client.describe("Lead")
            #expect(live.sandbox.apiCallCount == calls)
            _ = try await client.describe(["Lead"], refresh: true)
            #expect(live.sandbox.apiCallCount == calls + 1)
        }
    }
}

/// The web-server flow driven through the sandbox's login page by plain HTTP.
enum WebLogin {
    static func tokens(_ live: LiveOrg) async throws -> SalesforceTokens {
        let pkce = PKCE.generate()
        let redirect = "http://127.0.0.1:9/callback"
        let url = OAuthClient.authorizeURL(app: live.app, redirectURI: redirect, state: "s1", pkce: pkce)
        let page = try await live.http.send(HTTPExchange(method: "GET", url: url), timeout: .seconds(10))
        #expect(page.status == 200)
        let query = FormEncoding.parameters(String(url.split(separator: "?")[1]))
        var form = query.map { ($0.key, $0.value) }
        form += [("username", live.running.configuration.username), ("pw", live.running.configuration.password)]
        let login = try await live.http.send(HTTPExchange(method: "POST", url: "\(live.running.baseURL)/services/oauth2/authorize",
                                                          headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                          body: Array(FormEncoding.encode(form).utf8)), timeout: .seconds(10))
        #expect(login.status == 302)
        let location = try #require(login.header("Location"))
        let back = FormEncoding.parameters(String(location.split(separator: "?")[1]))
        #expect(back["state"] == "s1")
        let code = try #require(back["code"])
        return try await OAuthClient(transport: live.http).exchange(code: code, app: live.app, redirectURI: redirect, verifier: pkce.verifier)
    }
}

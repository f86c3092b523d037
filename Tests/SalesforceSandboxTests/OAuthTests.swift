import Testing
@testable import SalesforceSandbox

@Suite("OAuth 2.0 and login")
struct OAuthTests {
    let configuration = SandboxConfiguration(consumerKey: "key", consumerSecret: "secret", username: "admin@test.example",
                                             password: "pw")

    static func query(_ location: String) -> [String: String] {
        parseForm(String(location.split(separator: "?", maxSplits: 1).last ?? ""))
    }

    @Test("web-server flow with PKCE: login page, code, token exchange, then REST works")
    func webServerFlow() async throws {
        let sandbox = try SalesforceSandbox(configuration: configuration)
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = AuthServer.challenge(for: verifier)
        #expect(challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "RFC 7636 appendix B")
        try await sandbox.makeApplication().test(.router) { raw in
            let client = RestClient(client: raw, token: "")
            let page = try await client.call(
                .get, "/services/oauth2/authorize?response_type=code&client_id=key&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&state=xyz&code_challenge=\(challenge)",
                authorized: false)
            #expect(page.status == 200)
            #expect(page.text.contains("name=\"username\"") && page.text.contains("value=\"Log In\""))

            let wrong = try await client.call(.post, "/services/oauth2/authorize", authorized: false, form: [
                "client_id": "key", "redirect_uri": "http://localhost/cb", "state": "xyz", "username": "admin@test.example", "pw": "no",
            ])
            #expect(wrong.text.contains("Please check your username and password"))

            let login = try await client.call(.post, "/services/oauth2/authorize", authorized: false, form: [
                "client_id": "key", "redirect_uri": "http://localhost/cb", "state": "xyz", "code_challenge": challenge,
                "username": "admin@test.example", "pw": "pw",
            ])
            #expect(login.status == 302)
            let location = try #require(login.headers["location"])
            #expect(location.hasPrefix("http://localhost/cb?"))
            let parameters = Self.query(location)
            #expect(parameters["state"] == "xyz")
            let code = try #require(parameters["code"])

            let badVerifier = try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                "grant_type": "authorization_code", "code": code, "client_id": "key", "client_secret": "secret",
                "redirect_uri": "http://localhost/cb", "code_verifier": "wrong",
            ])
            #expect(badVerifier.json?["error"] == "invalid_grant")
            let reused = try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                "grant_type": "authorization_code", "code": code, "client_id": "key", "client_secret": "secret",
                "redirect_uri": "http://localhost/cb", "code_verifier": verifier,
            ])
            #expect(reused.json == ["error": "invalid_grant", "error_description": "invalid authorization code"],
                    "a code is single-use, even after a failed exchange")
        }
    }

    @Test("token JSON has Salesforce's members and a verifiable signature; refresh and revoke")
    func tokens() async throws {
        let sandbox = try SalesforceSandbox(configuration: configuration)
        let code = sandbox.auth.issueCode(redirectURI: "http://localhost/cb", codeChallenge: nil, scope: "api refresh_token")
        try await sandbox.makeApplication().test(.router) { raw in
            var client = RestClient(client: raw, token: "")
            let reply = try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                "grant_type": "authorization_code", "code": code, "client_id": "key", "client_secret": "secret",
                "redirect_uri": "http://localhost/cb",
            ])
            let token = try #require(reply.json?.objectValue)
            #expect(Set(token.keys) == ["access_token", "refresh_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"])
            #expect(token["token_type"] == "Bearer")
            let id = try #require(token["id"]?.stringValue)
            let issuedAt = try #require(token["issued_at"]?.stringValue)
            #expect(issuedAt.count == 13, "milliseconds")
            #expect(token["signature"]?.stringValue == sandbox.auth.signature(id: id, issuedAt: issuedAt))

            client.token = try #require(token["access_token"]?.stringValue)
            #expect(try await client.call(.get, "limits").status == 200)
            let userinfo = try await client.call(.get, "/services/oauth2/userinfo")
            #expect(userinfo.json?["preferred_username"] == "admin@test.example")

            sandbox.expireAccessTokens()
            #expect(try await client.call(.get, "limits").errorCode == "INVALID_SESSION_ID")
            let refreshed = try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                "grant_type": "refresh_token", "refresh_token": try #require(token["refresh_token"]?.stringValue),
                "client_id": "key", "client_secret": "secret",
            ])
            #expect(refreshed.json?["refresh_token"] == nil)
            client.token = try #require(refreshed.json?["access_token"]?.stringValue)
            #expect(try await client.call(.get, "limits").status == 200)

            let revoke = try await client.call(.post, "/services/oauth2/revoke", authorized: false,
                                               form: ["token": try #require(token["refresh_token"]?.stringValue)])
            #expect(revoke.status == 200)
            #expect(try await client.call(.get, "limits").status == 401, "revoking the refresh token ends its sessions")
        }
    }

    @Test("Refresh Token Rotation: each refresh answers a new refresh token; presenting a used one revokes them all (Help 005316711)")
    func refreshTokenRotation() async throws {
        var rotating = configuration
        rotating.refreshTokenRotation = true
        let sandbox = try SalesforceSandbox(configuration: rotating)
        let code = sandbox.auth.issueCode(redirectURI: "http://localhost/cb", codeChallenge: nil, scope: "api refresh_token")
        try await sandbox.makeApplication().test(.router) { raw in
            var client = RestClient(client: raw, token: "")
            func refresh(_ token: String) async throws -> Reply {
                try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                    "grant_type": "refresh_token", "refresh_token": token, "client_id": "key", "client_secret": "secret",
                ])
            }
            let first = try #require(try await client.call(.post, "/services/oauth2/token", authorized: false, form: [
                "grant_type": "authorization_code", "code": code, "client_id": "key", "client_secret": "secret", "redirect_uri": "http://localhost/cb",
            ]).json?.objectValue)
            let original = try #require(first["refresh_token"]?.stringValue)
            let second = try await refresh(original)
            let rotated = try #require(second.json?["refresh_token"]?.stringValue)
            #expect(rotated != original, "a new refresh token each time")
            let third = try await refresh(rotated)
            let latest = try #require(third.json?["refresh_token"]?.stringValue)
            client.token = try #require(third.json?["access_token"]?.stringValue)
            #expect(try await client.call(.get, "limits").status == 200)

            // The original, already used, presented again: refused, and every token of the login revoked.
            let reused = try await refresh(original)
            #expect(reused.status == 400 && reused.json?["error"] == "invalid_grant")
            #expect(try await client.call(.get, "limits").status == 401, "the access tokens go too")
            #expect(try await refresh(latest).status == 400, "and the current refresh token")
        }
    }

    @Test("the signature is base64 HMAC-SHA256 of id + issued_at keyed by the consumer secret (RFC 4231 vector)")
    func signature() throws {
        let sandbox = try SalesforceSandbox(configuration: SandboxConfiguration(consumerSecret: "Jefe"))
        #expect(sandbox.auth.signature(id: "what do ya want ", issuedAt: "for nothing?")
            == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
    }

    @Test("client credentials, password grant and OAuth error codes")
    func grants() async throws {
        let sandbox = try SalesforceSandbox(configuration: configuration)
        try await sandbox.makeApplication().test(.router) { raw in
            let client = RestClient(client: raw, token: "")
            func token(_ form: [String: String]) async throws -> Reply {
                try await client.call(.post, "/services/oauth2/token", authorized: false, form: form)
            }
            let headless = try await token(["grant_type": "client_credentials", "client_id": "key", "client_secret": "secret"])
            #expect(headless.status == 200)
            #expect(headless.json?["refresh_token"] == nil)
            #expect(try await token(["grant_type": "password", "client_id": "key", "client_secret": "secret",
                                     "username": "admin@test.example", "password": "pw"]).status == 200)
            #expect(try await token(["grant_type": "password", "client_id": "key", "client_secret": "secret",
                                     "username": "admin@test.example", "password": "x"]).json?["error_description"] == "authentication failure")
            #expect(try await token(["grant_type": "client_credentials", "client_id": "nope", "client_secret": "secret"]).json?["error"] == "invalid_client_id")
            #expect(try await token(["grant_type": "client_credentials", "client_id": "key", "client_secret": "nope"]).json?["error"] == "invalid_client")
            #expect(try await token(["grant_type": "magic", "client_id": "key"]).json?["error"] == "unsupported_grant_type")
            #expect(try await token(["grant_type": "refresh_token", "client_id": "key", "refresh_token": "x"]).status == 400)
        }
    }

    @Test("SOAP login answers sessionId and serverUrl; bad passwords get INVALID_LOGIN")
    func soapLogin() async throws {
        let sandbox = try SalesforceSandbox(configuration: configuration)
        try await sandbox.makeApplication().test(.router) { raw in
            let client = RestClient(client: raw, token: "")
            let envelope = { (password: String) in
                "<env:Envelope><env:Body><n1:login xmlns:n1=\"urn:partner.soap.sforce.com\"><n1:username>admin@test.example</n1:username><n1:password>\(password)</n1:password></n1:login></env:Body></env:Envelope>"
            }
            let ok = try await client.call(.post, "/services/Soap/u/62.0", raw: envelope("pw"), authorized: false)
            #expect(ok.status == 200)
            let session = try #require(SalesforceSandbox.element("sessionId", in: ok.text))
            #expect(sandbox.auth.isValid(session))
            #expect(ok.text.contains("<serverUrl>"))
            let bad = try await client.call(.post, "/services/Soap/u/62.0", raw: envelope("nope"), authorized: false)
            #expect(bad.status == 500)
            #expect(bad.text.contains("INVALID_LOGIN"))
        }
    }
}

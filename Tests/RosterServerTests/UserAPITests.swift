import Foundation
import HTTPTypes
import RosterCore
import RosterWeb
import Testing

@Suite("Users managed on screen: invite with a one-time link, role and events, disable, reset")
struct UserAPITests {
    static let password = "correct-horse-battery"

    @Test("an admin invites a registrar; the link works once, for that user only, and signs them in")
    func invite() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let invited = try await app.send(.post, "/api/v1/users", json: #"{"email": "Door@Example.org", "events": ["\#(event)"]}"#)
            #expect(invited.status == .created)
            let body = try invited.json()
            let user = try #require(body["user"] as? [String: Any])
            #expect(user["email"] as? String == "door@example.org")
            #expect(user["role"] as? String == "registrar", "the least a person at the event needs")
            #expect(user["events"] as? [String] == [event])
            #expect(user["invited"] as? Bool == true)
            let link = try #require((body["link"] as? [String: Any])?["url"] as? String)
            let path = try #require(URL(string: link)?.path)
            #expect(path.hasPrefix("/invite/") && path.count > 40)

            // No password opens the account before the link is used.
            #expect(try await Browser(app).signIn("door@example.org", Self.password).status == .unauthorized)
            let browser = Browser(app)
            let page = try await browser.get(path)
            #expect(page.status == .ok && page.text.contains("door@example.org"))
            let csrf = try Browser.csrf(in: page)
            #expect(try await browser.post(path, form: ["_csrf": csrf, "password": Self.password, "confirm": "another-password"]).status
                    == .unprocessableContent, "the two passwords must agree")
            #expect(try await browser.post(path, form: ["_csrf": csrf, "password": "short", "confirm": "short"]).status == .unprocessableContent)
            let accepted = try await browser.post(path, form: ["_csrf": csrf, "password": Self.password, "confirm": Self.password])
            #expect(accepted.status == .seeOther && accepted.location == "/events")
            #expect(try await browser.get("/events/\(event)").location == "/events/\(event)/desk", "signed in, as a registrar")
            // Spent: the link opens nothing again.
            #expect(try await Browser(app).get(path).status == .notFound)
            #expect(try await Browser(app).signIn("door@example.org", Self.password).status == .seeOther)

            let list = try await app.send(.get, "/api/v1/users").json()
            let listed = try #require((list["items"] as? [[String: Any]])?.first { $0["email"] as? String == "door@example.org" })
            #expect(listed["invited"] as? Bool == false)
            #expect(Set(listed.keys) == ["id", "email", "role", "events", "createdAt", "disabled", "invited"], "never a password or its hash")

            // A made-up link is refused before any password is hashed; a disabled user's link is
            // gone for good, even once they are enabled again.
            let stranger = Browser(app)
            let strangerForm = try await stranger.get("/invite/made-up-token")
            #expect(strangerForm.status == .notFound)
            #expect(try await stranger.post("/invite/made-up-token", form: ["_csrf": try Browser.csrf(in: strangerForm), "password": Self.password,
                                                                         "confirm": Self.password]).status == .notFound)
            let parked = try await app.send(.post, "/api/v1/users", json: #"{"email": "parked@example.org"}"#).json()
            let parkedId = try #require((parked["user"] as? [String: Any])?["id"] as? String)
            let parkedURL = try #require((parked["link"] as? [String: Any])?["url"] as? String)
            let parkedLink = try #require(URL(string: parkedURL)?.path)
            _ = try await app.send(.patch, "/api/v1/users/\(parkedId)", json: #"{"disabled": true}"#)
            _ = try await app.send(.patch, "/api/v1/users/\(parkedId)", json: #"{"disabled": false}"#)
            #expect(try await Browser(app).get(parkedLink).status == .notFound)

            let again = try await app.send(.post, "/api/v1/users", json: #"{"email": "door@example.org"}"#)
            #expect(again.status == .conflict)
            let unknown = try await app.send(.post, "/api/v1/users", json: #"{"email": "x@example.org", "events": ["nope"]}"#)
            #expect(try unknown.apiError().details.first?["field"] as? String == "events")
        }
    }

    @Test("an admin changes a role and events at once, disables and enables, resets a password; never their own access")
    func change() async throws {
        try await TestApp.run { app in
            let a = try await app.createEvent(), b = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/users", json: #"{"email": "ops@example.org", "role": "viewer", "events": ["\#(a)"]}"#).json()
            let id = try #require((created["user"] as? [String: Any])?["id"] as? String)
            let url = try #require((created["link"] as? [String: Any])?["url"] as? String)
            let path = try #require(URL(string: url)?.path)
            let browser = Browser(app)
            let form = try await browser.get(path)
            _ = try await browser.post(path, form: ["_csrf": try Browser.csrf(in: form), "password": Self.password, "confirm": Self.password])
            #expect(try await browser.get("/events/\(b)").status == .notFound)

            let widened = try await app.send(.patch, "/api/v1/users/\(id)", json: #"{"role": "organiser", "everyEvent": true}"#)
            #expect(widened.status == .ok)
            #expect(try widened.json()["role"] as? String == "organiser")
            #expect(try widened.json()["events"] is NSNull)
            #expect(try await browser.get("/events/\(b)").status == .ok, "the open session follows at its next request")

            #expect(try await app.send(.patch, "/api/v1/users/\(id)", json: #"{"disabled": true}"#).json()["disabled"] as? Bool == true)
            #expect(try await browser.get("/events/\(a)").status == .found, "signed out")
            #expect(try await Browser(app).signIn("ops@example.org", Self.password).status == .unauthorized)
            #expect(try await app.send(.patch, "/api/v1/users/\(id)", json: #"{"disabled": false}"#).json()["disabled"] as? Bool == false)
            #expect(try await Browser(app).signIn("ops@example.org", Self.password).status == .seeOther)

            let reset = try await app.send(.post, "/api/v1/users/\(id)/reset")
            #expect(reset.status == .ok)
            #expect(try await Browser(app).signIn("ops@example.org", Self.password).status == .unauthorized, "the old password stops at once")
            #expect(try (reset.json()["url"] as? String)?.contains("/invite/") == true)
            #expect(try await app.send(.patch, "/api/v1/users/nope", json: #"{"disabled": true}"#).status == .notFound)

            // An admin signed in can't lock themselves out.
            try await app.withDatabase { try await UserAccounts(database: $0).create(email: "boss@example.org", password: Self.password) }
            let boss = Browser(app)
            let home = try await boss.signIn("boss@example.org", Self.password)
            #expect(home.status == .seeOther)
            let users = try await boss.get("/users")
            #expect(users.status == .ok && users.text.contains("ops@example.org"))
            let me = try #require((try await app.send(.get, "/api/v1/users").json()["items"] as? [[String: Any]])?
                .first { $0["email"] as? String == "boss@example.org" }?["id"] as? String)
            let own = try await boss.api(.patch, "/api/v1/users/\(me)", json: #"{"disabled": true}"#, csrf: try Browser.csrf(in: users))
            #expect(own.status == .conflict)
            #expect(try own.apiError().code == "own_access")
        }
    }
}

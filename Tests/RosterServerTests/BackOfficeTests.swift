import Foundation
import Hummingbird
import HummingbirdTesting
import RosterCore
import RosterStore
import RosterWeb
import SQLKit
import Testing

@Suite("Back office: sign-in, sessions and CSRF, pages that read, scripts that write through the API")
struct BackOfficeTests {
    static let email = "organiser@example.com"
    static let password = "correct horse battery"

    @Test("anyone not signed in is sent to sign in, then back to the page asked for")
    func anonymousVisitorsSignInFirst() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let browser = Browser(app)
            let page = try await browser.get("/events/abc/salesforce?x=1")
            #expect(page.status == .found)
            #expect(page.location == "/?next=/events/abc/salesforce%3Fx%3D1")
            let form = try await browser.get("/")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<input id="email" name="email""#))
            #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)

            let signedIn = try await browser.signIn(Self.email, Self.password, next: "/events/abc/salesforce?x=1")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/events/abc/salesforce?x=1")
            let session = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("roster_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax"))
            for target in ["//evil.example/x", "/\t/evil.example", "/\\evil.example", "https://evil.example", "/\n/evil.example"] {
                let offsite = try await Browser(app).signIn(Self.email, Self.password, next: target)
                #expect(offsite.location == "/events", "never sent to another site after signing in (\(target.debugDescription))")
            }
            let asked = try await Browser(app).get("/?next=/%09/evil.example")
            #expect(!asked.text.contains("evil.example"), "the form does not carry an off-site next")
        }
    }

    @Test("a sign-in needs the form's CSRF token and the right password; five failures lock the email; sign-out ends the session")
    func signInRules() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let eventId = try await app.createEvent()
            let browser = Browser(app)
            try await browser.get("/")
            let forged = try await browser.post("/signin", form: ["_csrf": "forged", "email": Self.email, "password": Self.password])
            #expect(forged.status == .forbidden)

            let wrong = try await browser.signIn(Self.email, "wrong password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Wrong email or password."))
            // The email given is kept, escaped, and the password box takes the focus.
            #expect(wrong.text.contains(#"type="email" autocomplete="username" value="\#(Self.email)" required >"#), "\(wrong.text)")
            #expect(wrong.text.contains(#"autocomplete="current-password" required autofocus>"#))
            let hostile = try await Browser(app).signIn(#"x"><script>alert(1)</script>@example.com"#, "wrong password")
            #expect(!hostile.text.contains("<script>alert(1)") && hostile.text.contains("&lt;script&gt;"))
            #expect(browser.cookies["roster_session"] == nil)

            let good = try await browser.signIn(Self.email, Self.password)
            #expect(good.status == .seeOther)
            let events = try await browser.get("/events")
            #expect(events.status == .ok)
            #expect(events.text.contains("/events/\(eventId)"))
            #expect(events.text.contains("Summit"))

            let csrf = try Browser.csrf(in: events)
            #expect(try await browser.post("/signout", form: ["_csrf": "forged"]).status == .forbidden)
            let out = try await browser.post("/signout", form: ["_csrf": csrf])
            #expect(out.location == "/")
            #expect(try await browser.get("/events").status == .found, "the session ended")

            let other = Browser(app)
            for _ in 0..<5 { #expect(try await other.signIn("Organiser@Example.com", "guess").status == .unauthorized) }
            let locked = try await other.signIn(Self.email, Self.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("Too many failed sign-ins"))
        }
    }

    @Test("a new sign-in ends the browser's previous session; a disabled user is signed out at once")
    func sessionsEnd() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let browser = Browser(app)
            try await browser.signIn(Self.email, Self.password)
            let first = try #require(browser.cookies["roster_session"])
            try await browser.signIn(Self.email, Self.password)
            let second = try #require(browser.cookies["roster_session"])
            #expect(first != second)
            let stolen = Browser(app)
            stolen.cookies["roster_session"] = first
            #expect(try await stolen.get("/events").status == .found, "the previous session no longer signs in")
            #expect(try await browser.get("/events").status == .ok)

            try await app.withDatabase { try await UserAccounts(database: $0).disable(email: Self.email) }
            #expect(try await browser.get("/events").status == .found, "a disabled user's session ended")
            #expect(try await Browser(app).signIn(Self.email, Self.password).status == .unauthorized)
        }
    }

    @Test("a scoped user sees only their events, and only what their role allows")
    func scopedUsers() async throws {
        try await TestApp.run { app in
            let a = try await app.createEvent(), b = try await app.createEvent()
            try await app.withDatabase {
                try await UserAccounts(database: $0).create(email: "desk@example.com", password: Self.password, access: Access(role: .registrar, events: [a]))
            }
            let browser = Browser(app)
            try await browser.signIn("desk@example.com", Self.password)
            let events = try await browser.get("/events")
            #expect(events.text.contains("/events/\(a)/desk") && !events.text.contains("/events/\(b)"), "a registrar's event opens on the desk")
            // A registrar's place is the desk: every other page of the event leads there, never to a refusal.
            for page in ["", "/participants", "/salesforce", "/salesforce/history", "/webhooks", "/edit", "/participants/nope"] {
                let answer = try await browser.get("/events/\(a)\(page)")
                #expect(answer.status == .found && answer.location == "/events/\(a)/desk", "\(page)")
            }
            let home = try await browser.get("/events/\(a)/desk")
            #expect(home.status == .ok)
            #expect(home.text.contains("id=\"desk-search\""))
            #expect(!home.text.contains("/salesforce") && !home.text.contains("/events/\(a)/participants\""), "no links the role can't open")
            #expect(!home.text.contains("/webhooks"))
            #expect(try await browser.api(.get, "/api/v1/events/\(a)/webhooks").status == .forbidden)
            #expect(try await browser.get("/events/\(b)").status == .notFound)
            let csrf = try Browser.csrf(in: home)
            let list = try await browser.api(.get, "/api/v1/events/\(a)/participants")
            #expect(list.status == .forbidden)
            let created = try await browser.api(.post, "/api/v1/events/\(a)/participants",
                                                json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "L"}"#, csrf: csrf)
            #expect(created.status == .created)

            // A viewer reads the event's pages but checks nobody in: the desk is refused, not offered.
            try await app.withDatabase {
                try await UserAccounts(database: $0).create(email: "screen@example.com", password: Self.password, access: Access(role: .viewer, events: [a]))
            }
            let viewer = Browser(app)
            try await viewer.signIn("screen@example.com", Self.password)
            #expect(try await viewer.get("/events/\(a)").status == .ok)
            #expect(try await viewer.get("/events/\(a)/participants").status == .ok)
            #expect(try await viewer.get("/events/\(a)/desk").status == .forbidden)
            #expect(try await viewer.get("/events/\(a)/edit").status == .forbidden)
        }
    }

    @Test("the pages' scripts call the API with the session, and every change needs the page's CSRF token")
    func sessionCallsTheAPI() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let eventId = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"}"#)
            let participantId = try #require(try created.json()["id"] as? String)
            let browser = Browser(app)
            #expect(try await browser.api(.get, "/api/v1/events").status == .unauthorized, "no session, no token")
            try await browser.signIn(Self.email, Self.password)
            let page = try await browser.get("/events/\(eventId)/participants")
            let csrf = try Browser.csrf(in: page)

            #expect(try await browser.api(.get, "/api/v1/events/\(eventId)").status == .ok)
            let path = "/api/v1/events/\(eventId)/participants/\(participantId)"
            let refused = try await browser.api(.patch, path, json: #"{"hasAttended": true}"#)
            #expect(refused.status == .forbidden)
            #expect(try refused.apiError().code == "csrf_token_invalid")
            #expect(try await browser.api(.patch, path, json: #"{"hasAttended": true}"#, csrf: "wrong").status == .forbidden)
            let checkedIn = try await browser.api(.patch, path, json: #"{"hasAttended": true}"#, csrf: csrf)
            #expect(checkedIn.status == .ok)
            #expect(try checkedIn.json()["hasAttended"] as? Bool == true)
        }
    }

    @Test("the grid filters on the sync date with its count, searches, sorts and pages; in English and French")
    func grid() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let eventId = try await app.createEvent()
            var ids: [String: String] = [:]
            for (email, first, last) in [("ada@example.com", "Ada", "Lovelace"), ("grace@example.com", "Grace", "Hopper"), ("alan@example.com", "Alan", "Turing")] {
                let response = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "\#(email)", "firstName": "\#(first)", "lastName": "\#(last)"}"#)
                ids[email] = try response.json()["id"] as? String
            }
            try await app.withDatabase { database in
                try await SyncRepository(database: database).record([ParticipantSyncResult(
                    participantId: ids["grace@example.com"]!, syncedAt: Date(timeIntervalSince1970: 1_800_000_000), contactId: "003000000000001AAA",
                    leadId: nil, campaignMemberId: nil, error: nil, warning: nil, history: [])], eventId: eventId, run: nil)
            }
            let browser = Browser(app)
            try await browser.signIn(Self.email, Self.password)

            let synced = try await browser.get("/events/\(eventId)/participants?synced=set")
            #expect(synced.text.contains("1 participants with a Salesforce sync date"))
            #expect(synced.text.contains("grace@example.com") && !synced.text.contains("ada@example.com"))
            #expect(synced.text.contains("2027-01-15 08:00:00 UTC"))
            let notSynced = try await browser.get("/events/\(eventId)/participants?synced=notset")
            #expect(notSynced.text.contains("2 participants without a Salesforce sync date"))

            let searched = try await browser.get("/events/\(eventId)/participants?q=AL")
            #expect(searched.text.contains("alan@example.com") && !searched.text.contains("grace@example.com"))
            let sorted = try await browser.get("/events/\(eventId)/participants?sort=-lastName")
            let order = ["alan@example.com", "ada@example.com", "grace@example.com"].compactMap { sorted.text.range(of: $0)?.lowerBound }
            #expect(order.count == 3 && order == order.sorted(), "Turing, Lovelace, Hopper")
            #expect(sorted.text.contains(#"aria-sort="descending""#))

            browser.language = "fr-FR,fr;q=0.9"
            let french = try await browser.get("/events/\(eventId)/participants?synced=set")
            #expect(french.text.contains(#"<html lang="fr">"#))
            #expect(french.text.contains("1 participants avec une date de synchronisation Salesforce"))
            let csrf = try Browser.csrf(in: french)
            let switched = try await browser.post("/language", form: ["_csrf": csrf, "lang": "en", "next": "/events"])
            #expect(switched.location == "/events")
            #expect(try await browser.get("/events").text.contains(#"<html lang="en">"#), "the chosen language wins over the browser's")

            let person = try await browser.get("/events/\(eventId)/participants/\(ids["grace@example.com"]!)")
            #expect(person.text.contains("003000000000001AAA"))
            let home = try await browser.get("/events/\(eventId)")
            #expect(home.text.contains(#"<dd id="count-synced">1</dd>"#))
            #expect(home.text.contains(#"<dd id="count-participants">3</dd>"#))
        }
    }

    @Test("the grid shows the fields chosen as columns and counts its pages; a person's page carries the form to edit them, filled in")
    func gridColumnsPagesAndForms() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let eventId = try await app.createEvent()
            var first = ""
            for index in 0..<51 {
                let body = #"{"email": "p\#(index)@example.com", "firstName": "P\#(index)", "lastName": "L", "fields": {"size": "M", "age": \#(index)}}"#
                let id = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: body).json()["id"] as? String
                if index == 0 { first = id ?? "" }
            }
            let browser = Browser(app)
            try await browser.signIn(Self.email, Self.password)

            let grid = try await browser.get("/events/\(eventId)/participants?cols=age,size,nonsense")
            #expect(grid.text.contains(#"<th scope="col" class="field-column">T-shirt</th>"#), "the event's order, not the link's")
            #expect(grid.text.contains(#"<th scope="col" class="field-column">Age</th>"#))
            let fieldCells: Int = grid.text.components(separatedBy: #"class="field-column">"#).count - 1
            #expect(fieldCells == 2 + 2 * 50, "two columns (headers and 50 rows), an unknown code none")
            #expect(grid.text.contains(#"<td class="field-column">M</td><td class="field-column">0</td>"#))
            #expect(grid.text.contains("Page 1 of 2"))
            let links: [String] = grid.text.components(separatedBy: #"<a href=""#)
            let nextLink: String? = links.first { $0.contains(#"id="next-page""#) }?.components(separatedBy: "\"").first
            let next = try #require(nextLink)
            #expect(next.contains("cols=size%2Cage") || next.contains("cols=size,age"), "the columns follow the pages: \(next)")
            let second = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.text.contains("Page 2 of 2"))
            // A page number is a label: any value is bounded, never a crash.
            let huge = try await browser.get("/events/\(eventId)/participants?cursor=x&page=9223372036854775807")
            #expect(huge.status == .ok)
            #expect(second.text.contains(#"id="previous-page""#))

            let person = try await browser.get("/events/\(eventId)/participants/\(first)")
            #expect(person.text.contains(#"<option value="M" selected>M</option>"#), "the form shows the person's values")
            #expect(person.text.contains(#"id="pf-age" data-code="age" data-type="number" type="number" value="0""#))
            #expect(person.text.contains(#"<time datetime=""#), "dates carry their instant for the browser's time zone")
        }
    }

    @Test("the list API searches and sorts like the grid, and names a bad sort")
    func listAPI() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            for (email, last) in [("b@example.com", "Zed"), ("a@example.com", "Young"), ("c@example.com", "Xu")] {
                try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "\#(email)", "firstName": "F", "lastName": "\#(last)"}"#)
            }
            let byName = try await app.send(.get, "/api/v1/events/\(eventId)/participants?sort=lastName&limit=2").json()
            #expect((byName["items"] as? [[String: Any]])?.map { $0["email"] as? String } == ["c@example.com", "a@example.com"])
            #expect(byName["total"] as? Int == 3)
            let next = try #require(byName["nextCursor"] as? String)
            let rest = try await app.send(.get, "/api/v1/events/\(eventId)/participants?sort=lastName&limit=2&cursor=\(next)").json()
            #expect((rest["items"] as? [[String: Any]])?.map { $0["email"] as? String } == ["b@example.com"])
            #expect(rest["total"] as? Int == 3)
            let searched = try await app.send(.get, "/api/v1/events/\(eventId)/participants?q=yo").json()
            #expect((searched["items"] as? [[String: Any]])?.map { $0["email"] as? String } == ["a@example.com"])

            let bad = try await app.send(.get, "/api/v1/events/\(eventId)/participants?sort=shoeSize")
            #expect(bad.status == .badRequest)
            #expect(try bad.apiError().code == "invalid_parameter")
            #expect(try bad.apiError().details.first?["field"] as? String == "sort")
            let replayed = try await app.send(.get, "/api/v1/events/\(eventId)/participants?sort=email&cursor=\(next)")
            #expect(try replayed.apiError().code == "invalid_cursor")
        }
    }

    @Test("a Salesforce login begun from the back office can be finished only by the same signed-in user")
    func loginIsBoundToTheSession() async throws {
        try await TestApp.run(withSandbox: true) { app in
            try await app.createUser(Self.email, Self.password)
            let fixture = try await ConnectorFixture.make(app)
            let browser = Browser(app)
            try await browser.signIn(Self.email, Self.password)
            let csrf = try Browser.csrf(in: try await browser.get("/events/\(fixture.eventId)/salesforce"))
            let start: (ConnectorFixture) async throws -> TestResponse = { fixture in
                try await browser.api(.post, "\(fixture.base)/connect", json: #"{"flow": "webServer"}"#, csrf: csrf)
            }

            // Another browser's callback neither finishes the organiser's login nor uses it up
            // (issue 34, #7): the same callback then works in the organiser's own browser.
            var stranger: TestResponse?
            let organiser = try await WebServerLogin.run(fixture, start: start) { callback in
                stranger = try await Browser(app).get(callback)
                #expect(try await fixture.settings()["connection"].flatMap { $0 as? [String: Any] }?["state"] as? String == "disconnected")
                return try await browser.get(callback)
            }
            #expect(stranger?.status == .badRequest, "another browser can't finish the organiser's login")
            #expect(stranger?.text.contains("unknown, expired or already used") == true)
            #expect(organiser.status == .ok)
            #expect(organiser.text.contains("roster-salesforce-connected"))
            #expect(try await fixture.settings()["connection"].flatMap { $0 as? [String: Any] }?["state"] as? String == "connected")
        }
    }

    @Test("the grid's export links work with the session alone")
    func exportWithTheSession() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, Self.password)
            let eventId = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"}"#)
            let browser = Browser(app)
            try await browser.signIn(Self.email, Self.password)
            let grid = try await browser.get("/events/\(eventId)/participants")
            #expect(grid.text.contains("/api/v1/events/\(eventId)/participants/export?format=csv"))
            let csv = try await browser.get("/api/v1/events/\(eventId)/participants/export?format=csv")
            #expect(csv.status == .ok)
            #expect(csv.text.contains("ada@example.com"))
        }
    }
}

import Foundation
import Testing
import RosterCore
import RosterStore
import RosterWeb
import Synchronization

@Suite("Sign-in bounded: passwords bcrypt can read whole, forms of a few kilobytes")
struct SignInLimitsTests {
    static let email = "organiser@example.org"

    @Test("a password bcrypt cannot read whole (72 bytes and more) is refused at creation; one that only shares the start of a password opens nothing")
    func passwordsBcryptReadsWhole() async throws {
        try await TestApp.run { app in
            let seventyOne = String(repeating: "A", count: 71)
            await #expect(throws: ValidationFailure.self) { try await app.createUser("long@example.org", String(repeating: "A", count: 72) + "secret-suffix-1") }
            await #expect(throws: ValidationFailure.self) { try await app.createUser("exact@example.org", String(repeating: "A", count: 72)) }
            await #expect(throws: ValidationFailure.self) { try await app.createUser("nul@example.org", "ten chars\u{0}and more") }
            try await app.createUser(Self.email, seventyOne)
            let found = Mutex<[String?]>([])
            try await app.withDatabase { database in
                let accounts = UserAccounts(database: database)
                let right = try await accounts.verify(email: Self.email, password: seventyOne)
                let longer = try await accounts.verify(email: Self.email, password: seventyOne + "totally-different")
                let nul = try await accounts.verify(email: Self.email, password: seventyOne + "\u{0}")
                found.withLock { $0 = [right, longer, nul] }
            }
            let results = found.withLock { $0 }
            #expect(results[0] != nil)
            #expect(results[1] == nil, "the same 71 bytes and more open nothing")
            #expect(results[2] == nil)
            let browser = Browser(app)
            let refused = try await browser.signIn(Self.email, seventyOne + "totally-different")
            #expect(refused.status == .unauthorized, "not signed in")
        }
    }

    @Test("a 20 KB form to the sign-in, sign-out and language routes answers 413, never 500")
    func bigForms() async throws {
        try await TestApp.run { app in
            let browser = Browser(app)
            _ = try await browser.get("/")
            let big = ["_csrf": browser.cookies["roster_csrf"] ?? "", "email": String(repeating: "a", count: 20_000)]
            for path in ["/signin", "/signout", "/language"] {
                let answer = try await browser.post(path, form: big)
                #expect(answer.status == .contentTooLarge, "\(path): \(answer.status)")
            }
        }
    }

    @Test("a new password (roster user set-password) ends the user's sessions; the old one opens nothing, the rules hold")
    func newPassword() async throws {
        try await TestApp.run { app in
            try await app.createUser(Self.email, "the first passphrase")
            let browser = Browser(app)
            #expect(try await browser.signIn(Self.email, "the first passphrase").status == .seeOther)
            #expect(try await browser.get("/events").status == .ok)
            try await app.withDatabase { database in
                let accounts = UserAccounts(database: database)
                await #expect(throws: ValidationFailure.self) { try await accounts.setPassword(email: Self.email, password: String(repeating: "B", count: 72)) }
                await #expect(throws: StoreError.self) { try await accounts.setPassword(email: "nobody@example.org", password: "a second passphrase") }
                try await accounts.setPassword(email: Self.email, password: "a second passphrase")
            }
            #expect(try await browser.get("/events").status == .found, "the session made with the old password ended")
            #expect(try await Browser(app).signIn(Self.email, "the first passphrase").status == .unauthorized)
            #expect(try await Browser(app).signIn(Self.email, "a second passphrase").status == .seeOther)
        }
    }
}

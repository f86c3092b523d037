import Foundation
import Testing
import RosterCore
import RosterWeb
import Synchronization

@Suite("Sign-in bounded: passwords bcrypt can read whole, forms of a few kilobytes")
struct SignInLimitsTests {
    static let email = "organiser@example.org"

    @Test("a password past 72 bytes is refused at creation; at sign-in, one that only shares the first 72 bytes opens nothing")
    func passwordsBcryptReadsWhole() async throws {
        try await TestApp.run { app in
            let seventyTwo = String(repeating: "A", count: 72)
            await #expect(throws: ValidationFailure.self) { try await app.createUser("long@example.org", seventyTwo + "secret-suffix-1") }
            try await app.createUser(Self.email, seventyTwo)
            let found = Mutex<[String?]>([])
            try await app.withDatabase { database in
                let accounts = UserAccounts(database: database)
                let right = try await accounts.verify(email: Self.email, password: seventyTwo)
                let longer = try await accounts.verify(email: Self.email, password: seventyTwo + "totally-different")
                found.withLock { $0 = [right, longer] }
            }
            let (right, longer) = found.withLock { ($0[0], $0[1]) }
            #expect(right != nil)
            #expect(longer == nil, "the first 72 bytes alike open nothing")
            let browser = Browser(app)
            let refused = try await browser.signIn(Self.email, seventyTwo + "totally-different")
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
}

import Foundation
import Testing
import RosterCore
@testable import RosterWeb

@Suite("The back office speaks the browser's language, English and French")
struct LanguageTests {
    @Test(arguments: [
        (nil, "fr-FR,fr;q=0.9,en;q=0.8", Language.fr),
        (nil, "de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", .fr),
        (nil, "de-DE", .en),
        (nil, nil, .en),
        (nil, "fr;q=0, en", .en),
        ("fr", "en-US", .fr),
        ("xx", "fr-CA", .fr),
    ] as [(String?, String?, Language)])
    func negotiation(cookie: String?, acceptLanguage: String?, expected: Language) {
        #expect(Language.negotiate(cookie: cookie, acceptLanguage: acceptLanguage) == expected)
    }

    @Test func everyWordHasBothLanguagesAndFillsItsPlaceholders() throws {
        let directory = try #require(Bundle.module.resourceURL?.appendingPathComponent("Strings"))
        let localization = try Localization.load(from: directory)
        #expect(Set(localization.strings(.en).keys) == Set(localization.strings(.fr).keys))
        #expect(localization.text("signin_title", .fr) == "Connexion")
        #expect(localization.text("grid_count_synced", .en, ["count": "300"]) == "300 participants with a Salesforce sync date")
        #expect(localization.text("connector_path", .fr) == "Configuration › Intégration outils tiers › Salesforce")
    }

    @Test func aMissingTranslationStopsTheStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"a": "A", "b": "B"}"#.utf8).write(to: directory.appendingPathComponent("en.json"))
        try Data(#"{"a": "A"}"#.utf8).write(to: directory.appendingPathComponent("fr.json"))
        #expect(throws: BackOfficeError.self) { try Localization.load(from: directory) }
    }
}

@Suite("Failed sign-ins are limited per email and per client address")
struct SignInThrottleTests {
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
    }

    @Test func fiveFailuresLockTheEmailForTheRestOfTheWindow() {
        let clock = Clock()
        let throttle = SignInThrottle(maxFailuresPerEmail: 5, window: 900, now: { clock.now })
        for index in 0..<4 { throttle.recordFailure(email: "Ada@Example.com", address: "10.0.0.\(index)") }
        #expect(throttle.retryAfter(email: "ada@example.com", address: "10.0.1.1") == nil)
        throttle.recordFailure(email: "ada@example.com", address: "10.0.0.9")
        clock.now += 60
        #expect(throttle.retryAfter(email: " ADA@example.com ", address: "10.0.1.1") == 840, "locked from any address")
        #expect(throttle.retryAfter(email: "grace@example.com", address: "10.0.1.1") == nil, "another email is not locked")
        clock.now += 840
        #expect(throttle.retryAfter(email: "ada@example.com", address: nil) == nil, "the lock ends with the window")
    }

    @Test func sprayingManyEmailsFromOneAddressLocksTheAddress() {
        let clock = Clock()
        let throttle = SignInThrottle(maxFailuresPerEmail: 5, maxFailuresPerAddress: 20, window: 900, now: { clock.now })
        for index in 0..<19 { throttle.recordFailure(email: "user\(index)@example.com", address: "203.0.113.7") }
        #expect(throttle.retryAfter(email: "new@example.com", address: "203.0.113.7") == nil)
        throttle.recordFailure(email: "user19@example.com", address: "203.0.113.7")
        clock.now += 100
        #expect(throttle.retryAfter(email: "new@example.com", address: "203.0.113.7") == 800, "every email is refused from that address")
        #expect(throttle.retryAfter(email: "new@example.com", address: "198.51.100.1") == nil, "another address may still try")
        throttle.recordSuccess(email: "new@example.com")
        #expect(throttle.retryAfter(email: "other@example.com", address: "203.0.113.7") == 800, "a success does not unlock the address")
    }

    @Test func aSuccessForgivesEarlierFailures() {
        let throttle = SignInThrottle(maxFailuresPerEmail: 2, window: 900)
        throttle.recordFailure(email: "ada@example.com", address: nil)
        throttle.recordSuccess(email: "ada@example.com")
        throttle.recordFailure(email: "ada@example.com", address: nil)
        #expect(throttle.retryAfter(email: "ada@example.com", address: nil) == nil)
    }
}

@Suite("Password checks are bounded")
struct PasswordCheckBoundTests {
    @Test func noMoreThanTheLimitRunAtOnceAndALeaveFreesASlot() {
        let inFlight = InFlight()
        let limit = UserAccounts.maxConcurrentChecks
        for _ in 0..<limit { #expect(inFlight.enter(limit: limit)) }
        #expect(!inFlight.enter(limit: limit), "a check past the limit is refused, not queued")
        inFlight.leave()
        #expect(inFlight.enter(limit: limit))
    }

    @Test("a spray of emails and addresses costs bounded memory: expired keys go first, then the oldest; a recent lock stays")
    func boundedUnderASpray() {
        let clock = SignInThrottleTests.Clock()
        let throttle = SignInThrottle(maxFailuresPerEmail: 2, maxFailuresPerAddress: 1_000_000, window: 900, maxEntries: 1_000, now: { clock.now })
        for index in 0..<400 { throttle.recordFailure(email: "old\(index)@example.com", address: "198.51.100.1") }
        throttle.recordFailure(email: "old1@example.com", address: nil)
        #expect(throttle.retryAfter(email: "old1@example.com", address: nil) != nil, "locked before the spray")
        clock.now += 901
        for index in 0..<5_000 {
            throttle.recordFailure(email: "spray\(index)@example.com", address: "203.0.113.\(index % 200)")
            clock.now += 0.01
        }
        #expect(throttle.count <= 1_000, "\(throttle.count) keys")
        #expect(throttle.count > 800, "a sweep keeps the recent keys: \(throttle.count)")
        throttle.recordFailure(email: "target@example.com", address: nil)
        throttle.recordFailure(email: "target@example.com", address: nil)
        #expect(throttle.retryAfter(email: "target@example.com", address: nil) != nil, "the newest lock is kept")
        let huge = "a" + String(repeating: "\u{301}", count: 8_000) + "@example.com"
        throttle.recordFailure(email: huge, address: nil)
        throttle.recordFailure(email: huge, address: nil)
        #expect(throttle.retryAfter(email: huge, address: nil) != nil, "a key cut to 254 bytes still counts")
    }
}

@Suite("The client's address behind trusted proxies")
struct ClientAddressTests {
    @Test func thePeerUnlessItIsATrustedProxy() {
        let proxies: Set<String> = ["10.0.0.2", "10.0.0.3"]
        #expect(BackOffice.clientAddress(forwardedFor: "198.51.100.7", peer: "203.0.113.9", proxies: proxies) == "203.0.113.9",
                "an untrusted peer's header is ignored")
        #expect(BackOffice.clientAddress(forwardedFor: "198.51.100.7", peer: "10.0.0.2", proxies: proxies) == "198.51.100.7")
        #expect(BackOffice.clientAddress(forwardedFor: "1.2.3.4, 198.51.100.7, 10.0.0.3", peer: "10.0.0.2", proxies: proxies) == "198.51.100.7",
                "what the client prepends is not believed")
        #expect(BackOffice.clientAddress(forwardedFor: nil, peer: "10.0.0.2", proxies: proxies) == "10.0.0.2")
    }
}

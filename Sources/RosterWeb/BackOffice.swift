import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import RosterConnector
import RosterCore
import RosterStore

/// The back office (S4, S5, S10–S22, S65): server-rendered pages for signing in, events, the
/// participant grid, a participant, the Salesforce connector screen and the sync history.
///
/// Pages only read. Every change a page makes (saving settings, connecting, checking, forcing a
/// sync, checking someone in, importing) is a call from the page's script to the REST API,
/// authenticated by the session cookie plus its CSRF token: one implementation of each rule (S61).
public struct BackOffice: Sendable {
    /// What the pages read, and the sign-in machinery.
    public struct Dependencies: Sendable {
        /// The events the pages list and show.
        public var events: EventRepository
        /// The participants behind the grid, the participant page and the head counts.
        public var participants: ParticipantRepository
        /// The events' Salesforce connectors: settings and connection, as the pages show them.
        public var connectors: ConnectorService
        /// The forced runs and per-participant history the sync pages show.
        public var syncRuns: SyncRepository
        /// Each event's sync health, for the banner on its pages.
        public var health: SyncHealthReader
        /// Back-office sessions: started at sign-in, ended at sign-out.
        public var sessions: SessionRepository
        /// Checks sign-in passwords against the users' bcrypt hashes.
        public var accounts: UserAccounts
        /// Slows password guessing at sign-in (S62).
        public var throttle: SignInThrottle
        /// Mark cookies `Secure` (Roster is reached over HTTPS).
        public var secureCookies: Bool
        /// Addresses of proxies in front of Roster, whose `X-Forwarded-For` names the client.
        public var trustedProxies: Set<String> = []

        /// Gathers what the back office needs; by default no proxy is trusted.
        public init(events: EventRepository, participants: ParticipantRepository, connectors: ConnectorService, syncRuns: SyncRepository,
                    health: SyncHealthReader, sessions: SessionRepository, accounts: UserAccounts, throttle: SignInThrottle, secureCookies: Bool,
                    trustedProxies: Set<String> = []) {
            self.trustedProxies = trustedProxies
            self.events = events
            self.participants = participants
            self.connectors = connectors
            self.syncRuns = syncRuns
            self.health = health
            self.sessions = sessions
            self.accounts = accounts
            self.throttle = throttle
            self.secureCookies = secureCookies
        }
    }

    /// How long a sign-in lasts.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    /// The cookie holding the sign-in form's CSRF token before there is a session.
    static let signInCSRFCookie = "roster_csrf"
    static let languageCookie = "roster_lang"
    /// Rows per grid page.
    static let pageSize = 50

    let dependencies: Dependencies
    let renderer: PageRenderer
    let assets: StaticAssets
    let localization: Localization

    /// The back-office accounts, for the API's user routes (one clock, one set of rules).
    public var accounts: UserAccounts { dependencies.accounts }

    /// The translations of the messages Roster writes in English, for the API's answers.
    public var messages: MessageTranslation { localization.messages }

    /// Loads the templates, scripts and strings bundled with the module.
    public static func load(_ dependencies: Dependencies) async throws -> BackOffice {
        guard let root = Bundle.module.resourceURL else { throw BackOfficeError.resources("the RosterWeb bundle has no resources") }
        return BackOffice(
            dependencies: dependencies,
            renderer: try await PageRenderer.load(from: root.appendingPathComponent("Templates")),
            assets: try StaticAssets.load(from: root.appendingPathComponent("Static")),
            localization: try Localization.load(from: root.appendingPathComponent("Strings"))
        )
    }

    /// Adds the pages, the sign-in routes and `/static/` to the router.
    /// - Returns: each route added, for the server's `405 Method Not Allowed` answers.
    @discardableResult
    public func register<Context: RequestContext>(on router: Router<Context>) -> [(method: HTTPRequest.Method, path: String)] {
        var routes: [(method: HTTPRequest.Method, path: String)] = []
        func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, Context) async throws -> Response) {
            router.on(RouterPath(path), method: method, use: handler)
            routes.append((method, path))
        }
        func page(_ path: String, _ body: @escaping @Sendable (PageRequest, Context) async throws -> Response) {
            on(.get, path) { request, context in try await self.signedIn(request) { try await body($0, context) } }
        }
        on(.get, "/") { request, _ in try await self.signInPage(request) }
        on(.post, "/signin") { request, context in
            try await self.signIn(request, address: self.clientAddress(request, peer: (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress))
        }
        on(.post, "/signout") { request, _ in try await self.signOut(request) }
        on(.post, "/language") { request, _ in try await self.switchLanguage(request) }
        on(.get, "/static/{name}") { request, context in self.asset(context.parameters.get("name") ?? "", request: request) }
        page("/events") { page, _ in try await self.eventsPage(page) }
        page("/users") { page, _ in try await self.usersPage(page) }
        on(.get, "/invite/{token}") { request, context in try await self.invitePage(request, token: context.parameters.get("token") ?? "") }
        on(.post, "/invite/{token}") { request, context in try await self.acceptInvite(request, token: context.parameters.get("token") ?? "") }
        page("/events/{eventId}") { page, context in try await self.eventPage(page, eventId: context.parameters.get("eventId") ?? "") }
        page("/events/{eventId}/participants") { page, context in
            try await self.participantsPage(page, eventId: context.parameters.get("eventId") ?? "")
        }
        page("/events/{eventId}/participants/{participantId}") { page, context in
            try await self.participantPage(page, eventId: context.parameters.get("eventId") ?? "",
                                           participantId: context.parameters.get("participantId") ?? "")
        }
        page("/events/{eventId}/desk") { page, context in try await self.deskPage(page, eventId: context.parameters.get("eventId") ?? "") }
        page("/events/{eventId}/edit") { page, context in try await self.eventEditPage(page, eventId: context.parameters.get("eventId") ?? "") }
        page("/events/{eventId}/salesforce") { page, context in try await self.connectorPage(page, eventId: context.parameters.get("eventId") ?? "") }
        page("/events/{eventId}/salesforce/history") { page, context in
            try await self.historyPage(page, eventId: context.parameters.get("eventId") ?? "")
        }
        page("/events/{eventId}/webhooks") { page, context in try await self.webhooksPage(page, eventId: context.parameters.get("eventId") ?? "") }
        return routes
    }

    /// The client's address for the sign-in throttle: the connection's peer, unless the peer is a
    /// trusted proxy; then the nearest address in `X-Forwarded-For` that is not one (a client can
    /// prepend anything to that header, but not what the proxies append after it).
    func clientAddress(_ request: Request, peer: String?) -> String? {
        Self.clientAddress(forwardedFor: request.headers[.xForwardedFor], peer: peer, proxies: dependencies.trustedProxies)
    }

    static func clientAddress(forwardedFor forwarded: String?, peer: String?, proxies: Set<String>) -> String? {
        guard let peer, proxies.contains(peer), let forwarded else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.reversed().first { !proxies.contains($0) } ?? peer
    }

    // MARK: Shared page machinery

    /// A page request from a signed-in user.
    struct PageRequest {
        var request: Request
        var session: WebSession
        var language: Language
    }

    /// Runs `body` for a signed-in user; anyone else is sent to sign in, then back here.
    func signedIn(_ request: Request, _ body: (PageRequest) async throws -> Response) async throws -> Response {
        guard let session = BackOfficeSession.current else {
            let target = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return .redirect(to: "/?next=\(Self.percentEncoded(target))", type: .found)
        }
        return try await body(PageRequest(request: request, session: session, language: language(of: request)))
    }

    func language(of request: Request) -> Language {
        Language.negotiate(cookie: request.cookies[Self.languageCookie]?.value, acceptLanguage: request.headers[.acceptLanguage])
    }

    /// What every page's layout needs: the words, the language switch, the CSRF token, who is signed in.
    func layout(_ language: Language, csrf: String, user: String?, title: String, path: String) -> [String: Any] {
        let strings = localization.strings(language)
        var context: [String: Any] = [
            "t": strings, "lang": language.rawValue, "csrf": csrf, "title": title, "path": path,
            "stringsJSON": localization.scriptJSON[language] ?? "{}",
            "languages": Language.allCases.map { ["code": $0.rawValue, "name": strings["language_\($0.rawValue)"] ?? $0.rawValue, "current": $0 == language] },
        ]
        if let user { context["user"] = user }
        return context
    }

    func layout(_ page: PageRequest, title: String) -> [String: Any] {
        // The language switch comes back to this very page, filters and all.
        let path = page.request.uri.path + (page.request.uri.query.map { "?\($0)" } ?? "")
        var context = layout(page.language, csrf: page.session.csrfToken, user: page.session.email, title: title, path: path)
        // What the user's role allows: pages show only the links and buttons that will work.
        let access = page.session.access
        context["can"] = [
            "participants": access.allows(.readParticipants), "write": access.allows(.writeParticipants),
            "export": access.allows(.exportParticipants), "connector": access.allows(.manageConnector), "runs": access.allows(.readRuns), "sync": access.allows(.runSync),
            "createEvents": access.allows(.createEvents), "webhooks": access.allows(.manageWebhooks), "editEvent": access.allows(.updateEvents),
            "desk": access.allows(.checkIn), "erase": access.allows(.eraseParticipants), "users": access.allows(.manageAccess),
        ]
        return context
    }

    /// An HTML response with the headers every page carries: no inline script may run, no
    /// other site may frame it, forms post only here.
    func html(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) throws -> Response {
        var response = Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            .xContentTypeOptions: "nosniff", .referrerPolicy: "same-origin", .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: try renderer.render(template, context))))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    func notFound(_ page: PageRequest, _ message: String) throws -> Response {
        var context = layout(page, title: localization.text("notFound_title", page.language))
        context["message"] = message
        return try html("not-found", context, status: .notFound)
    }

    func asset(_ name: String, request: Request) -> Response {
        guard let asset = assets.assets[name] else { return Response(status: .notFound) }
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: [.eTag: asset.etag]) }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "no-cache",
                                               .xContentTypeOptions: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: dependencies.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The largest form the back office reads (sign-in and switches are a few hundred bytes).
    static let maxFormBytes = 16 * 1024

    /// Reads an `application/x-www-form-urlencoded` body (small: sign-in and switches); a larger
    /// one is answered 413, never read further (issue 34).
    static func form(_ request: Request) async throws -> [String: String] {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxFormBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "a form carries at most \(Self.maxFormBytes) bytes")
        }
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let key = parts.first { form[key] = parts.count > 1 ? parts[1] : "" }
        }
        return form
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A local path to return to after a form, never another site: one `/` then no second `/` or
    /// `\\`, and no control character or space anywhere (browsers drop tabs and newlines from a
    /// `Location`, so `/\t/evil.example` would become `//evil.example`).
    static func localPath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.hasPrefix("/\\") else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return nil }
        return text
    }

    /// A value as JSON for a page's `<script type="application/json">` block: `<` escaped, so
    /// no text in it can close the block.
    static func scriptJSON<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return json.replacingOccurrences(of: "<", with: "\\u003c")
    }

    /// The context without its empty texts: Mustache renders a section for any string, even "",
    /// so `{{#error}}…{{/error}}` needs the key gone.
    static func present(_ context: [String: Any]) -> [String: Any] {
        context.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }

    /// The instant for a `<time datetime>` the page's script shows in the browser's own time zone
    /// and language; `display` is the text until it does.
    static func iso(_ date: Date?) -> String {
        date.map(RFC3339.string(from:)) ?? ""
    }

    /// `2026-05-01 09:00:00 UTC`, or in `zone` with its name (`2026-05-01 09:00:00 Europe/Paris`).
    static func display(_ date: Date?, in zone: TimeZone? = nil) -> String {
        guard let date else { return "" }
        let style = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: zone ?? .gmt)
            .year().month().day().time(includingFractionalSeconds: false)
        let text = date.formatted(style)
        // The style ends with the offset (`Z`, `+02:00`); the zone's name says it better.
        let wall = text.prefix(19)
        return wall + " " + (zone?.identifier ?? "UTC")
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}

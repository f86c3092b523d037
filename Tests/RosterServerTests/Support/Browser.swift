import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RosterStore
import RosterWeb
import Testing

/// A browser's view of the back office: keeps cookies, posts forms, calls the API the way the
/// pages' scripts do (session cookie + the page's CSRF token).
final class Browser: @unchecked Sendable {
    let app: TestApp
    var cookies: [String: String] = [:]
    var language = "en-US,en;q=0.9"

    init(_ app: TestApp) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse { try await send(.get, path) }

    /// Posts `application/x-www-form-urlencoded` fields.
    @discardableResult
    func post(_ path: String, form: [String: String]) async throws -> TestResponse {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await send(.post, path, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// A JSON API call with the session; `csrf` is the token the page carries, if any.
    @discardableResult
    func api(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, csrf: String? = nil) async throws -> TestResponse {
        var extra = HTTPFields()
        if let csrf { extra[.init(BackOfficeSession.csrfHeader)!] = csrf }
        return try await send(method, path, body: json, contentType: "application/json", extra: extra)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, contentType: String? = nil, extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.acceptLanguage] = language
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType, body != nil { headers[.contentType] = contentType }
        let response = try await app.client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if field.contains("Max-Age=0") || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response
    }

    /// Signs in through the form, as a person would.
    @discardableResult
    func signIn(_ email: String, _ password: String, next: String = "/events") async throws -> TestResponse {
        try await get("/")
        return try await post("/signin", form: ["_csrf": cookies["roster_csrf"] ?? "", "email": email, "password": password, "next": next])
    }

    /// The CSRF token of a page (its `csrf-token` meta element).
    static func csrf(in response: TestResponse) throws -> String {
        let html = String(buffer: response.body)
        let range = try #require(html.range(of: #"<meta name="csrf-token" content=""#))
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestApp {
    /// A back-office user, created as `roster user create` does.
    func createUser(_ email: String, _ password: String) async throws {
        try await withDatabase { try await UserAccounts(database: $0).create(email: email, password: password) }
    }

    /// Runs SQL on the app's database (to set up state only the sync writes).
    func withDatabase(_ body: (RosterDatabase) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try RosterDatabase(url: .sqlite(path: databasePath), logger: logger)
        do { try await body(database) } catch {
            try? await database.shutdown()
            throw error
        }
        try await database.shutdown()
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}

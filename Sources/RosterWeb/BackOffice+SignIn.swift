import Foundation
import Hummingbird
import RosterCore
import RosterStore

/// Signing in and out, and the language switch.
extension BackOffice {
    /// `/`: the sign-in form, or the events for someone already signed in. The form's CSRF
    /// token is a cookie of its own until there is a session (login CSRF).
    /// - Parameter email: the address a refused sign-in gave, written back into the form.
    func signInPage(_ request: Request, next: String? = nil, error: String? = nil, email: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        if BackOfficeSession.current != nil { return .redirect(to: "/events", type: .found) }
        let token = request.cookies[Self.signInCSRFCookie]?.value ?? SessionRepository.randomToken()
        let language = language(of: request)
        var context = layout(language, csrf: token, user: nil, title: localization.text("signin_title", language), path: "/")
        context["next"] = next ?? Self.localPath(request.uri.queryParameters["next"].map(String.init)) ?? "/events"
        if let error { context["error"] = error }
        context["email"] = email
        return try html("signin", context, status: status, cookies: [cookie(Self.signInCSRFCookie, token, maxAge: nil)])
    }

    /// - Parameter address: the client's IP address, for the per-address throttle.
    func signIn(_ request: Request, address: String?) async throws -> Response {
        let form = try await Self.form(request)
        let language = language(of: request)
        guard let token = request.cookies[Self.signInCSRFCookie]?.value, ConstantTime.equals(form["_csrf"], token) else {
            return try await signInPage(request, error: localization.text("signin_expired", language), status: .forbidden)
        }
        let email = form["email"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let target = Self.localPath(form["next"]) ?? "/events"
        if let wait = dependencies.throttle.retryAfter(email: email, address: address) {
            let minutes = String(Int((wait / 60).rounded(.up)))
            return try await signInPage(request, next: target, error: localization.text("signin_throttled", language, ["minutes": minutes]), email: email,
                                        status: .tooManyRequests)
        }
        let verified: String?
        do {
            verified = try await dependencies.accounts.verify(email: email, password: form["password"] ?? "")
        } catch is SignInBusy {
            return try await signInPage(request, next: target, error: localization.text("signin_throttled", language, ["minutes": "1"]), email: email,
                                        status: .tooManyRequests)
        }
        guard let userId = verified else {
            dependencies.throttle.recordFailure(email: email, address: address)
            return try await signInPage(request, next: target, error: localization.text("signin_wrong", language), email: email, status: .unauthorized)
        }
        dependencies.throttle.recordSuccess(email: email)
        // A sign-in starts a new session and ends the one this browser held (fixation, shared computers).
        if let previous = request.cookies[BackOfficeSession.cookie]?.value, !previous.isEmpty {
            try await dependencies.sessions.delete(previous)
        }
        let session = try await dependencies.sessions.create(userId: userId, lifetime: Self.sessionLifetime)
        var response = Response.redirect(to: target, type: .normal)
        response.setCookie(cookie(BackOfficeSession.cookie, session, maxAge: Int(Self.sessionLifetime)))
        response.setCookie(cookie(Self.signInCSRFCookie, "", maxAge: 0))
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        if let session = BackOfficeSession.current, ConstantTime.equals(form["_csrf"], session.csrfToken),
           let id = request.cookies[BackOfficeSession.cookie]?.value {
            try await dependencies.sessions.delete(id)
        } else if BackOfficeSession.current != nil {
            return Response(status: .forbidden)
        }
        var response = Response.redirect(to: "/", type: .normal)
        response.setCookie(cookie(BackOfficeSession.cookie, "", maxAge: 0))
        return response
    }

    /// Remembers the chosen language for a year and goes back to the page.
    func switchLanguage(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let expected = BackOfficeSession.current?.csrfToken ?? request.cookies[Self.signInCSRFCookie]?.value
        guard let expected, ConstantTime.equals(form["_csrf"], expected), let language = Language(rawValue: form["lang"] ?? "") else {
            return Response(status: .forbidden)
        }
        var response = Response.redirect(to: Self.localPath(form["next"]) ?? "/", type: .normal)
        response.setCookie(cookie(Self.languageCookie, language.rawValue, maxAge: 365 * 24 * 3600))
        return response
    }
}

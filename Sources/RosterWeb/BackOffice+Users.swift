import Foundation
import Hummingbird
import RosterCore
import RosterStore

/// Users on screen (issue 30): the admins' Users page, and the page a one-time link opens to
/// choose a password.
extension BackOffice {
    func usersPage(_ page: PageRequest) async throws -> Response {
        guard page.session.access.allows(.manageAccess) else { return try forbidden(page) }
        let events = try await dependencies.events.all()
        let names = Dictionary(events.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        func roles(_ selected: Role) -> [[String: Any]] {
            Role.allCases.map { ["value": $0.rawValue, "label": localization.text("role_\($0.rawValue)", page.language), "selected": $0 == selected,
                                 "default": $0 == .registrar] }
        }
        var context = layout(page, title: localization.text("users_title", page.language))
        context["roles"] = roles(.registrar)
        context["events"] = events.map { ["id": $0.id, "name": $0.name] }
        context["users"] = try await dependencies.accounts.users.list().map { user -> [String: Any] in
            let chosen = user.access.events ?? []
            let state = user.disabledAt != nil ? "disabled" : user.invited ? "invited" : "active"
            return [
                "id": user.id, "email": user.email, "self": user.id == page.session.userId, "roles": roles(user.access.role),
                "everyEvent": user.access.events == nil, "disabled": user.disabledAt != nil,
                "eventsText": user.access.events == nil ? localization.text("users_every_event", page.language)
                    : chosen.map { names[$0] ?? $0 }.sorted().joined(separator: ", "),
                "eventChoices": events.map { ["id": $0.id, "name": $0.name, "chosen": chosen.contains($0.id)] },
                "stateText": localization.text("users_state_\(state)", page.language),
            ]
        }
        return try html("users", context)
    }

    /// `GET /invite/{token}`: the form to choose a password, for whoever holds a link that works.
    func invitePage(_ request: Request, token: String, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let csrf = request.cookies[Self.signInCSRFCookie]?.value ?? SessionRepository.randomToken()
        let language = language(of: request)
        var context = layout(language, csrf: csrf, user: nil, title: localization.text("invite_title", language), path: request.uri.path)
        if let email = try await dependencies.accounts.invitee(token: token) {
            context["email"] = email
            context["token"] = token
        }
        if let error { context["error"] = error }
        return try html("invite", context, status: context["email"] == nil ? .notFound : status,
                        cookies: [cookie(Self.signInCSRFCookie, csrf, maxAge: nil)])
    }

    /// `POST /invite/{token}`: the password chosen; the link is spent and the user signed in.
    func acceptInvite(_ request: Request, token: String) async throws -> Response {
        let form = try await Self.form(request)
        let language = language(of: request)
        guard let csrf = request.cookies[Self.signInCSRFCookie]?.value, ConstantTime.equals(form["_csrf"], csrf) else {
            return try await invitePage(request, token: token, error: localization.text("signin_expired", language), status: .forbidden)
        }
        let password = form["password"] ?? ""
        guard password == form["confirm"] else {
            return try await invitePage(request, token: token, error: localization.text("invite_mismatch", language), status: .unprocessableContent)
        }
        let user: (id: String, email: String)?
        do {
            user = try await dependencies.accounts.redeem(token: token, password: password)
        } catch let failure as ValidationFailure {
            let message = failure.issues.map { localization.message($0.message, language) }.joined(separator: "; ")
            return try await invitePage(request, token: token, error: message, status: .unprocessableContent)
        } catch is SignInBusy {
            return try await invitePage(request, token: token, error: localization.text("signin_throttled", language, ["minutes": "1"]),
                                        status: .tooManyRequests)
        }
        guard let user else { return try await invitePage(request, token: token, status: .notFound) }
        // As at sign-in: a new session, and the one this browser held ends.
        if let previous = request.cookies[BackOfficeSession.cookie]?.value, !previous.isEmpty {
            try await dependencies.sessions.delete(previous)
        }
        let session = try await dependencies.sessions.create(userId: user.id, lifetime: Self.sessionLifetime)
        var response = Response.redirect(to: "/events", type: .normal)
        response.setCookie(cookie(BackOfficeSession.cookie, session, maxAge: Int(Self.sessionLifetime)))
        response.setCookie(cookie(Self.signInCSRFCookie, "", maxAge: 0))
        return response
    }
}

import Hummingbird
import RosterWeb

/// The language the API writes its messages in for the request being handled: the request's
/// `Accept-Language` (the back office sends its page's language), English otherwise. Only the
/// words change; codes, fields and values stay as the contract says.
enum MessageLanguage {
    @TaskLocal static var current: Language = .en

    static func of(_ request: Request) -> Language {
        Language.negotiate(cookie: nil, acceptLanguage: request.headers[.acceptLanguage])
    }
}

/// Sets ``MessageLanguage/current`` for the API's handlers.
struct MessageLanguageMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await MessageLanguage.$current.withValue(MessageLanguage.of(request)) { try await next(request, context) }
    }
}

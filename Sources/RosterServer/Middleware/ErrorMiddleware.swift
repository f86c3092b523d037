import Hummingbird
import Logging
import OpenAPIRuntime
import RosterStore
import RosterWeb

/// Turns every failure into the contract's error JSON: unknown routes, framework errors,
/// request bodies the OpenAPI layer can't decode, handler errors. Unexpected errors become a
/// 500 with a generic message and are logged in full, never shown. Messages are written in the
/// request's language (``MessageLanguage``); codes and fields never change.
///
/// A database that does not answer is 503 `database_unavailable` with `Retry-After`, and the
/// outage one warning (``DatabaseAvailability``); an answer given during an outage checks whether
/// it is over (a trivial query, at most once a second, beside the request). A pool with no free
/// connection for 30 s is 503 too, but logged each time: that is load or a leak of ours.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let messages: MessageTranslation
    let database: RosterDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if database.availability.isAway { database.availability.recheck { [database] in try await database.ping() } }
            return response
        } catch {
            let language = MessageLanguage.of(request)
            return Self.response(for: error, request: request, logger: context.logger, availability: database.availability) { error in
                language == .en ? error : error.translated(messages, language)
            }
        }
    }

    /// The contract's error for `error`; `shown` writes its words for the caller (their language).
    static func response(for error: any Error, request: Request, logger: Logger, availability: DatabaseAvailability? = nil,
                         shown: (APIError) -> APIError = { $0 }) -> Response {
        var cause = error
        var fallbackStatus: HTTPResponse.Status = .internalServerError
        var fallbackMessage: String? = nil
        if let serverError = error as? ServerError {
            cause = serverError.underlyingError
            fallbackStatus = serverError.httpStatus
            fallbackMessage = serverError.causeDescription
            // Decoding failed before the handler ran, on a request without a body: the query.
            if serverError.operationInput == nil, [.get, .head, .delete].contains(request.method) {
                if cause is DecodingError { return shown(APIError.unreadableParameter(in: request.uri.queryParameters)).response }
                if serverError.httpStatus.code >= 500 { return shown(APIError.malformedQuery).response }
            }
        }
        if let apiError = APIError.from(cause) {
            return shown(apiError).response
        }
        if cause.isDatabaseUnavailable {
            availability?.failed(cause)
            return shown(.databaseUnavailable).response
        }
        if cause.isDatabasePoolExhausted {
            // Every database connection busy for 30 s: load or a leak, logged for each request.
            logger.error("no database connection was free within 30 seconds", metadata: ["path": "\(Self.loggable(request.uri.path))"])
            return shown(.databaseUnavailable).response
        }
        if fallbackStatus.code < 500 {
            return shown(APIError(fallbackStatus, APIError.code(for: fallbackStatus), fallbackMessage ?? fallbackStatus.reasonPhrase)).response
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: cause))", "path": "\(Self.loggable(request.uri.path))"])
        return APIError(.internalServerError, "internal_error", "something went wrong on our side; the error was logged").response
    }
}

extension ErrorMiddleware {
    /// The path as a log line may hold it: the one-time link of an invitation (`/invite/<token>`)
    /// is a secret until it is used, and never logged.
    static func loggable(_ path: String) -> String {
        path.hasPrefix("/invite/") ? "/invite/…" : path
    }
}

extension APIError {
    /// The error with its message and details in `language`.
    func translated(_ messages: MessageTranslation, _ language: Language) -> APIError {
        var error = self
        error.message = messages.translate(message, to: language)
        error.details = details.map { detail in
            var detail = detail
            detail.message = messages.translate(detail.message, to: language)
            return detail
        }
        return error
    }

    /// A request without a body whose decoding failed: one of its query parameters is not of
    /// the route's type. The generated layer's error does not say which; when the request has
    /// one parameter, it is that one.
    static func unreadableParameter(in parameters: Parameters) -> APIError {
        let names = Set(parameters.map { String($0.key) }).sorted()
        if names.count == 1, let name = names.first, let value = parameters[name[...]] {
            let message = "'\(value)' is not a value this parameter takes; see /openapi.yaml"
            return APIError(.badRequest, "invalid_parameter", "\(name) \(message)", details: [.init(field: name, row: nil, message: message)])
        }
        let message = "one of the query parameters (\(names.joined(separator: ", "))) is not of the type this route takes; see /openapi.yaml"
        return APIError(.badRequest, "invalid_parameter", message, details: [.init(field: "query", row: nil, message: message)])
    }

    /// A query string whose pairs the generated layer can't split (an empty pair, a pair
    /// without `=`): its parser throws an error of its own, which must not be a 500.
    static var malformedQuery: APIError {
        APIError(.badRequest, "invalid_parameter", "the query string is not a list of name=value pairs separated by '&'",
                 details: [.init(field: "query", row: nil, message: "expected name=value pairs separated by '&'")])
    }
}

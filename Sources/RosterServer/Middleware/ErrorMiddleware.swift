import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns every failure into the contract's error JSON: unknown routes, framework errors,
/// request bodies the OpenAPI layer can't decode, handler errors. Unexpected errors become a
/// 500 with a generic message and are logged in full, never shown.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, logger: context.logger)
        }
    }

    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        var cause = error
        var fallbackStatus: HTTPResponse.Status = .internalServerError
        var fallbackMessage: String? = nil
        if let serverError = error as? ServerError {
            cause = serverError.underlyingError
            fallbackStatus = serverError.httpStatus
            fallbackMessage = serverError.causeDescription
        }
        if let apiError = APIError.from(cause) {
            return apiError.response
        }
        if fallbackStatus.code < 500 {
            return APIError(fallbackStatus, APIError.code(for: fallbackStatus), fallbackMessage ?? fallbackStatus.reasonPhrase).response
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: cause))", "path": "\(request.uri.path)"])
        return APIError(.internalServerError, "internal_error", "something went wrong on our side; the error was logged").response
    }
}

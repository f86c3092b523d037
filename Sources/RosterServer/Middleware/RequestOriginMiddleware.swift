import Hummingbird

/// Roster's own URL as the client reached it (`http://host:port`), for links Roster hands out
/// when no public URL is configured (the OAuth callback, a webhook's address). Set per request as
/// a task local, since the generated OpenAPI handlers see only the declared parameters.
///
/// Only a loopback `Host` (`localhost`, `127.x.x.x`, `[::1]`: a machine reaching itself, as
/// `roster demo` does) is taken: any other is the client's to write, and a forged one would
/// become the callback Salesforce sends the login code to (issue 34). Elsewhere Roster needs
/// `ROSTER_PUBLIC_URL`.
enum RequestOrigin {
    @TaskLocal static var current: String?

    /// `http://<authority>` when the authority names the loopback interface, else `nil`.
    static func origin(authority: String?) -> String? {
        guard let authority, !authority.isEmpty else { return nil }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let end = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<end]
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? ""
        }
        let loopback = host.lowercased() == "localhost" || host == "::1"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
        guard loopback, authority.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "@" }) else { return nil }
        return "http://\(authority)"
    }
}

struct RequestOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestOrigin.$current.withValue(RequestOrigin.origin(authority: request.head.authority)) { try await next(request, context) }
    }
}

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

    /// `http://<authority>` when the authority is exactly a loopback host (`localhost`, `[::1]`,
    /// or `127.d.d.d`) with an optional port of digits, else `nil`.
    static func origin(authority: String?) -> String? {
        guard let authority, !authority.isEmpty, authority.utf8.count <= 64 else { return nil }
        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let end = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.startIndex...end]
            let rest = authority[authority.index(after: end)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                port = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        let digits = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0 >= "0" && $0 <= "9" } }
        if let port, port.count > 5 || !digits(port) { return nil }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let loopback = host.lowercased() == "localhost" || host == "[::1]"
            || (octets.count == 4 && octets[0] == "127"
                && octets.allSatisfy { $0.count <= 3 && digits($0) && Int($0)! <= 255 })
        return loopback ? "http://\(authority)" : nil
    }
}

struct RequestOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestOrigin.$current.withValue(RequestOrigin.origin(authority: request.head.authority)) { try await next(request, context) }
    }
}

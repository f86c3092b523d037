import Hummingbird

/// Wires the sandbox into a Hummingbird router: REST, OAuth, SOAP login and test control.
extension SalesforceSandbox {
    /// The router serving the whole sandbox on one port.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .patch, .delete, .put, .head] {
            router.on("/services/data", method: method) { request, _ in try await self.serveREST(request) }
            router.on("/services/data/**", method: method) { request, _ in try await self.serveREST(request) }
        }
        addOAuthRoutes(to: router)
        if configuration.testControl { addControlRoutes(to: router) }
        return router
    }

    /// The documented cap on a REST request's URI, and on its URI and headers together.
    static let maximumRequestHeadBytes = 16_384

    private func serveREST(_ request: Request) async throws -> Response {
        var request = request
        // Over the cap the edge refuses the request before it reaches the API: 414 for the URI,
        // 431 for URI plus headers; neither counts as an API call.
        let uriBytes = request.uri.string.utf8.count
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.canonicalName.utf8.count + $1.value.utf8.count + 4 }
        if uriBytes > Self.maximumRequestHeadBytes || uriBytes + headerBytes > Self.maximumRequestHeadBytes {
            record(request.method.rawValue, String(request.uri.string.prefix(200)), counted: false)
            let tooLong = uriBytes > Self.maximumRequestHeadBytes
            return Response(status: .init(code: tooLong ? 414 : 431),
                            headers: [.contentType: "text/plain;charset=UTF-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: tooLong ? "URI Too Long" : "Request Header Fields Too Large")))
        }
        let body = try await request.collectBody(upTo: 50 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let uri = request.uri.string
        let rest = RestRequest(method: request.method.rawValue, path: request.uri.path,
                               query: parseForm(request.uri.query ?? ""), headers: headers,
                               body: Array(buffer: body))
        switch await handleREST(rest, uri: uri) {
        case .respond(let response):
            return Self.http(response)
        case .drop:
            return Response(status: .ok, body: ResponseBody { _ in throw DroppedConnection() })
        }
    }

    /// Converts a REST response to HTTP, JSON as Salesforce writes it.
    static func http(_ response: RestResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPFields.Element.Name(name) { fields[field] = value }
        }
        guard let body = response.body else {
            return Response(status: .init(code: response.status), headers: fields)
        }
        fields[.contentType] = "application/json;charset=UTF-8"
        return Response(status: .init(code: response.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(body))))
    }

    static func json(_ status: Int, _ body: JSONValue) -> Response { http(.json(status, body)) }
}

/// Thrown from a response body to close the connection without an answer (injected fault).
struct DroppedConnection: Error {}

extension Response {
    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html;charset=UTF-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func xml(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/xml;charset=UTF-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

import Hummingbird

/// OAuth 2.0 endpoints of the login host, the identity service and the SOAP `login()` call.
extension SalesforceSandbox {
    func addOAuthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/services/oauth2/authorize") { request, _ in
            self.authorizePage(parseForm(request.uri.query ?? ""), error: nil)
        }
        router.post("/services/oauth2/authorize") { request, _ in
            try await self.authorizeSubmit(try await Self.form(request))
        }
        router.post("/services/oauth2/token") { request, _ in
            let form = try await Self.form(request, includeQuery: true)
            do throws(OAuthError) {
                return Self.json(200, try self.auth.token(form, baseURL: self.baseURL))
            } catch {
                return Self.json(error.status, error.json)
            }
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/services/oauth2/revoke", method: method) { request, _ in
                let form = try await Self.form(request, includeQuery: true)
                guard let token = form["token"], self.auth.revoke(token) else {
                    return Self.json(400, .object(["error": "unsupported_token_type",
                                                   "error_description": "this token type is not supported"]))
                }
                return Response(status: .ok)
            }
        }
        router.get("/services/oauth2/userinfo") { request, _ in self.identity(request, userinfo: true) }
        router.post("/services/oauth2/userinfo") { request, _ in self.identity(request, userinfo: true) }
        router.get("/id/:org/:user") { request, _ in self.identity(request, userinfo: false) }
        router.post("/services/Soap/u/:version") { request, _ in try await self.soapLogin(request) }
    }

    /// A form body (`application/x-www-form-urlencoded`), plus the query string when asked.
    static func form(_ request: Request, includeQuery: Bool = false) async throws -> [String: String] {
        var request = request
        let body = try await request.collectBody(upTo: 1024 * 1024)
        var form = parseForm(String(buffer: body))
        if includeQuery {
            for (key, value) in parseForm(request.uri.query ?? "") where form[key] == nil { form[key] = value }
        }
        return form
    }

    private func authorizePage(_ query: [String: String], error: String?) -> Response {
        guard query["client_id"] == configuration.consumerKey else {
            return .html(.badRequest, page("Error", "<p id=\"error\">error=invalid_client_id: client identifier invalid</p>"))
        }
        guard let redirect = query["redirect_uri"], auth.isAllowedCallback(redirect) else {
            return .html(.badRequest, page("Error", "<p id=\"error\">error=redirect_uri_mismatch: redirect_uri must match configuration</p>"))
        }
        guard query["response_type"] == "code" else {
            return Self.redirect(redirect, ["error": "unsupported_response_type",
                                            "error_description": "response type not supported", "state": query["state"]])
        }
        var hidden = ""
        for key in ["client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method", "response_type"] {
            if let value = query[key] { hidden += "<input type=\"hidden\" name=\"\(key)\" value=\"\(Self.escape(value))\">\n" }
        }
        let message = error.map { "<p id=\"error\" class=\"loginError\">\(Self.escape($0))</p>" } ?? ""
        return .html(.ok, page("Login | Salesforce", """
            <form id="login_form" method="post" action="/services/oauth2/authorize">
            \(hidden)\(message)
            <label for="username">Username</label> <input id="username" name="username" type="email">
            <label for="password">Password</label> <input id="password" name="pw" type="password">
            <input id="Login" name="Login" type="submit" value="Log In">
            </form>
            """))
    }

    private func authorizeSubmit(_ form: [String: String]) async throws -> Response {
        var form = form
        if form["response_type"] == nil { form["response_type"] = "code" }
        guard form["client_id"] == configuration.consumerKey, let redirect = form["redirect_uri"],
              auth.isAllowedCallback(redirect)
        else { return authorizePage(form, error: nil) }
        let password = form["pw"] ?? form["password"]
        guard form["username"] == configuration.username, password == configuration.password else {
            return authorizePage(form, error: "Please check your username and password. If you still can't log in, contact your Salesforce administrator.")
        }
        let code = auth.issueCode(redirectURI: redirect, codeChallenge: form["code_challenge"],
                                  scope: form["scope"].flatMap { $0.isEmpty ? nil : $0 } ?? "api refresh_token")
        return Self.redirect(redirect, ["code": code, "state": form["state"]])
    }

    private static func redirect(_ base: String, _ parameters: [String: String?]) -> Response {
        var query = ""
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            guard let value else { continue }
            query += (query.isEmpty ? "" : "&") + key + "=" + percentEncode(value)
        }
        let location = base + (base.contains("?") ? "&" : "?") + query
        return Response(status: .found, headers: [.location: location])
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let char = Character(Unicode.Scalar(byte))
            if char.isASCII && (char.isLetter || char.isNumber || "-._~".contains(char)) {
                out.append(char)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }

    private func page(_ title: String, _ body: String) -> String {
        "<!DOCTYPE html><html><head><title>\(title)</title></head><body><h1>Salesforce sandbox</h1>\(body)</body></html>"
    }

    private func identity(_ request: Request, userinfo: Bool) -> Response {
        var token: String?
        for field in request.headers where field.name == .authorization { token = bearer(field.value) }
        guard let token, auth.isValid(token) else {
            return Response(status: .forbidden, body: ResponseBody(byteBuffer: ByteBuffer(string: "Bad_OAuth_Token")))
        }
        let user = org.record(auth.userId) ?? [:]
        let id = auth.identityURL(baseURL: baseURL)
        var body: JSONObject = [:]
        if userinfo { body["sub"] = .string(id) } else { body["id"] = .string(id) }
        body["user_id"] = .string(auth.userId)
        body["organization_id"] = .string(SandboxOrg.organizationId)
        body[userinfo ? "preferred_username" : "username"] = user["Username"] ?? .null
        body[userinfo ? "name" : "display_name"] = user["Name"] ?? .null
        body["email"] = user["Email"] ?? .null
        body["email_verified"] = true
        body["zoneinfo"] = user["TimeZoneSidKey"] ?? .null
        body["locale"] = user["LocaleSidKey"] ?? .null
        body["active"] = true
        body["user_type"] = "STANDARD"
        body["urls"] = .object([
            "rest": .string("\(baseURL)/services/data/v{version}/"),
            "sobjects": .string("\(baseURL)/services/data/v{version}/sobjects/"),
            "query": .string("\(baseURL)/services/data/v{version}/query/"),
        ])
        return Self.json(200, .object(body))
    }

    /// The partner API `login()` call simple-salesforce and older tools use.
    private func soapLogin(_ request: Request) async throws -> Response {
        var request = request
        let version = request.uri.path.split(separator: "/").last.map(String.init) ?? SandboxDefaults.apiVersion
        let text = String(buffer: try await request.collectBody(upTo: 1024 * 1024))
        let username = Self.element("username", in: text).map(Self.unescape)
        let password = Self.element("password", in: text).map(Self.unescape)
        guard username == configuration.username, password == configuration.password else {
            return .xml(.internalServerError, """
                <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>
                """)
        }
        let session = issueAccessToken()
        let org = SandboxOrg.organizationId
        return .xml(.ok, """
            <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>\(baseURL)/services/Soap/m/\(version)/\(org)</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>true</sandbox><serverUrl>\(baseURL)/services/Soap/u/\(version)/\(org)</serverUrl><sessionId>\(session)</sessionId><userId>\(auth.userId)</userId><userInfo><organizationId>\(org)</organizationId><userEmail>\(Self.escape(configuration.username))</userEmail><userFullName>Sandbox Admin</userFullName><userId>\(auth.userId)</userId><userName>\(Self.escape(configuration.username))</userName></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>
            """)
    }

    /// The text of the first `<prefix:name>` element, whatever its namespace prefix.
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: ":\(name)>") ?? xml.range(of: "<\(name)>"),
              let close = xml.range(of: "</", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }

    static func unescape(_ text: String) -> String {
        text.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"").replacingAll("&apos;", "'")
            .replacingAll("&amp;", "&")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A REST request as the sandbox's handlers see it, whether it came over HTTP or as a
/// Composite subrequest.
struct RestRequest: Sendable {
    var method: String
    /// The path without the query string, e.g. `/services/data/v62.0/sobjects/Contact`.
    var path: String
    var query: [String: String]
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: [UInt8]
    /// An already parsed body (Composite subrequests carry JSON, not bytes).
    var json: JSONValue?

    init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
         body: [UInt8] = [], json: JSONValue? = nil)
    {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.json = json
    }

    /// Splits `url` (path plus optional query string) as Composite subrequests give it.
    init(method: String, url: String, headers: [String: String] = [:], json: JSONValue?) {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncodingLoosely()
                query[key] = kv.count > 1 ? String(kv[1]).removingPercentEncodingLoosely() : ""
            }
        }
        self.init(method: method, path: String(parts[0]), query: query, headers: headers, json: json)
    }

    /// The body as JSON: a parse failure is `JSON_PARSER_ERROR`, a missing body is `nil`.
    func jsonBody() throws(SalesforceError) -> JSONValue? {
        if let json { return json }
        if body.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) { return nil }
        do {
            return try JSONParser.parse(body)
        } catch {
            throw .jsonParser(error.message)
        }
    }

    /// The body, required to be a JSON object.
    func objectBody() throws(SalesforceError) -> JSONObject {
        guard let body = try jsonBody() else {
            throw .jsonParser("No content to map to Object due to end of input")
        }
        guard let object = body.objectValue else {
            throw .jsonParser("Cannot deserialize instance of object from START_ARRAY value [ or request may be missing a required field")
        }
        return object
    }

    /// How this request's writes are made: its duplicate-rule and assignment-rule headers.
    func writeContext(version: String) -> WriteContext {
        WriteContext(allowSaveDuplicates: allowsDuplicateSave, autoAssign: AutoAssign(header: headers["sforce-auto-assign"]), apiVersion: version)
    }

    /// `Sforce-Duplicate-Rule-Header: allowSave=true`.
    var allowsDuplicateSave: Bool {
        guard let header = headers["sforce-duplicate-rule-header"] else { return false }
        return header.lowercased().split(separator: ";").contains { part in
            part.trimmingSpaces() == "allowsave=true"
        }
    }
}

/// Parses `a=1&b=2` (a query string or a form body).
func parseForm(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in text.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = kv[0].removingPercentEncodingLoosely()
        if result[key] == nil { result[key] = kv.count > 1 ? kv[1].removingPercentEncodingLoosely() : "" }
    }
    return result
}

/// A REST response before it becomes HTTP.
struct RestResponse: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [String: String] = [:]

    static func json(_ status: Int, _ body: JSONValue) -> RestResponse { RestResponse(status: status, body: body) }

    static let noContent = RestResponse(status: 204, body: nil)

    /// A REST error response: a JSON array of one error.
    static func error(_ error: SalesforceError) -> RestResponse {
        RestResponse(status: error.status, body: .array([error.restJSON]))
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    /// Decodes `%XX` escapes (and `+` as a space in query strings); leaves malformed escapes as they are.
    func removingPercentEncodingLoosely(plusAsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
               let value = UInt8(String(decoding: utf8[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") && plusAsSpace ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

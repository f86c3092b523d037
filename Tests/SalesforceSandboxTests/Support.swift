import Hummingbird
import HummingbirdTesting
import Testing
@testable import SalesforceSandbox

/// A sandbox plus a valid session, exercised in-process through its router.
struct SandboxHarness {
    let sandbox: SalesforceSandbox
    let token: String

    init(_ configuration: SandboxConfiguration = SandboxConfiguration(username: "admin@test.example", password: "pw")) throws {
        sandbox = try SalesforceSandbox(configuration: configuration)
        token = sandbox.issueAccessToken()
    }

    var org: SandboxOrg { sandbox.org }

    func run(_ body: @Sendable (RestClient) async throws -> Void) async throws {
        try await sandbox.makeApplication().test(.router) { client in
            try await body(RestClient(client: client, token: token))
        }
    }
}

/// What a test sees of a response.
struct Reply: Sendable {
    var status: Int
    var json: JSONValue?
    var headers: [String: String]
    var text: String

    /// The first error's `errorCode` in a REST error array.
    var errorCode: String? { json?.arrayValue?.first?["errorCode"]?.stringValue }
    var message: String? { json?.arrayValue?.first?["message"]?.stringValue }
}

struct RestClient: Sendable {
    let client: any TestClientProtocol
    var token: String
    static let base = "/services/data/v62.0"

    func call(
        _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, raw: String? = nil,
        headers: [String: String] = [:], authorized: Bool = true, form: [String: String]? = nil
    ) async throws -> Reply {
        var fields = HTTPFields()
        if authorized { fields[.authorization] = "Bearer \(token)" }
        for (name, value) in headers { fields[HTTPFields.Element.Name(name)!] = value }
        var body: ByteBuffer?
        if let json {
            fields[.contentType] = "application/json"
            body = ByteBuffer(bytes: JSONWriter.bytes(json))
        } else if let raw {
            body = ByteBuffer(string: raw)
        } else if let form {
            fields[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form.map { "\($0.key)=\(percent($0.value))" }.joined(separator: "&"))
        }
        let uri = path.hasPrefix("/") ? path : "\(RestClient.base)/\(path)"
        return try await client.execute(uri: uri, method: method, headers: fields, body: body) { response in
            var headers: [String: String] = [:]
            for field in response.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let text = String(buffer: response.body)
            let json = text.isEmpty ? nil : try? JSONParser.parse(text)
            return Reply(status: Int(response.status.code), json: json, headers: headers, text: text)
        }
    }

    func percent(_ text: String) -> String { SalesforceSandbox.percentEncode(text) }
}

/// Builds `{"attributes": {"type": T}, ...}` rows for collections.
func row(_ type: String, _ fields: JSONObject) -> JSONValue {
    var object: JSONObject = ["attributes": .object(["type": .string(type)])]
    for (key, value) in fields { object[key] = value }
    return .object(object)
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Every failure answers the contract's error JSON")
struct ErrorContractTests {
    @Test func missingAndWrongTokensAreRefused() async throws {
        try await TestApp.run { app in
            let missing = try await app.send(.get, "/api/v1/events", authorized: false)
            #expect(missing.status == .unauthorized)
            #expect(try missing.apiError().code == "unauthorized")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"roster\"")

            let wrong = try await app.client.execute(uri: "/api/v1/events", method: .get, headers: [.authorization: "Bearer rst_wrong"])
            #expect(wrong.status == .unauthorized)
            #expect(try wrong.apiError().message.contains("not valid"))

            let basic = try await app.client.execute(uri: "/api/v1/events", method: .get, headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func serviceRoutesNeedNoToken() async throws {
        try await TestApp.run { app in
            #expect(try await app.send(.get, "/healthz", authorized: false).status == .ok)
            let document = try await app.send(.get, "/openapi.yaml", authorized: false)
            #expect(document.status == .ok)
            #expect(String(buffer: document.body).hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test func malformedJSON() async throws {
        try await TestApp.run { app in
            let response = try await app.send(.post, "/api/v1/events", json: #"{"name": "#)
            #expect(response.status == .badRequest)
            #expect(try response.apiError().code == "invalid_json")
        }
    }

    @Test func unknownRoutes() async throws {
        try await TestApp.run { app in
            for uri in ["/api/v1/nothing", "/nothing"] {
                let response = try await app.send(.get, uri)
                #expect(response.status == .notFound)
                #expect(try response.apiError().code == "not_found")
            }
        }
    }

    @Test func knownPathsAnswerOtherMethodsWith405AndAllow() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.delete, "/api/v1/events", "GET, HEAD, POST"),
                (.put, "/api/v1/events/\(eventId)/participants", "GET, HEAD, POST"),
                (.get, "/api/v1/events/\(eventId)/connectors/salesforce/sync", "POST"),
                (.post, "/healthz", "GET, HEAD"),
                (.delete, "/events/\(eventId)", "GET, HEAD"),
                (.get, "/signin", "POST"),
                (.trace, "/api/v1/events", "GET, HEAD, POST"),
                (HTTPRequest.Method("QUERY")!, "/api/v1/events", "GET, HEAD, POST"),
            ]
            for (method, path, allow) in cases {
                let response = try await app.send(method, path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
                #expect(try response.apiError().code == "method_not_allowed")
            }
        }
    }

    @Test func whatTheDocumentDeclaresTheServerEnforces() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            // An id is any text: an escaped backslash or dot in it is no path trick, just an unknown id.
            for path in ["/api/v1/events/a%5Cb", "/api/v1/events/a%2Eb"] {
                let response = try await app.send(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(try response.apiError().code == "event_not_found")
            }
            for path in ["/api/v1/events/%2e%2e/participants", "/api/v1/events/%2E"] {
                #expect(try await app.send(.get, path).status == .badRequest, "\(path)")
            }
            let longSearch = try await app.send(.get, "/api/v1/events/\(eventId)/participants?q=\(String(repeating: "a", count: 201))")
            #expect(longSearch.status == .badRequest)
            #expect(try longSearch.apiError().details.first?["field"] as? String == "q")
            let longName = try await app.send(.post, "/api/v1/events", json: #"{"name": "\#(String(repeating: "n", count: 256))"}"#)
            #expect(longName.status == .unprocessableContent)
            #expect(try longName.apiError().details.first?["field"] as? String == "name")
            // Declared in openapi.yaml, enforced here: a field's maxLength, a token's name, an exclusion.
            let huge = try await app.send(.post, "/api/v1/events", json: #"{"name": "E", "fields": [{"code": "bio", "label": "Bio", "type": "text", "maxLength": 131073}]}"#)
            #expect(huge.status == .unprocessableContent)
            #expect(try huge.apiError().message.contains("maxLength must be 1 to 131072"))
            let token = try await app.send(.post, "/api/v1/tokens", json: #"{"name": "\#(String(repeating: "t", count: 101))"}"#)
            #expect(token.status == .unprocessableContent)
            #expect(try token.apiError().details.first?["field"] as? String == "name")
            let exclusion = try await app.send(.put, "/api/v1/events/\(eventId)/connectors/salesforce", json: #"{"exclusions": ["@corp.com", "@..", "a@b"]}"#)
            #expect(exclusion.status == .unprocessableContent)
            #expect(try exclusion.apiError().details.compactMap { $0["field"] as? String } == ["exclusions[1]", "exclusions[2]"])
        }
    }

    @Test("disconnecting what was never connected answers as for a connector already disconnected")
    func disconnectIsIdempotent() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            let response = try await app.send(.delete, "/api/v1/events/\(eventId)/connectors/salesforce/connection")
            #expect(response.status == .ok)
            #expect((try response.json()["connection"] as? [String: Any])?["state"] as? String == "disconnected")
            #expect(try await app.send(.delete, "/api/v1/events/nope/connectors/salesforce/connection").status == .notFound)
        }
    }

    @Test func headAnswersWhatGetWouldWithoutABody() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            for path in ["/api/v1/events/\(eventId)", "/healthz", "/openapi.yaml"] {
                let get = try await app.send(.get, path)
                let head = try await app.send(.head, path)
                #expect(head.status == .ok, "HEAD \(path)")
                #expect(head.headers[.contentType] == get.headers[.contentType])
                #expect(head.body.readableBytes == 0)
            }
            #expect(try await app.send(.head, "/api/v1/events", authorized: false).status == .unauthorized, "HEAD needs what GET needs")
        }
    }

    @Test func unknownEventsAndParticipants() async throws {
        try await TestApp.run { app in
            let event = try await app.send(.get, "/api/v1/events/nope")
            #expect(event.status == .notFound)
            #expect(try event.apiError().message == "no event with id 'nope'")
            let id = try await app.createEvent()
            #expect(try await app.send(.get, "/api/v1/events/\(id)/participants/nope").status == .notFound)
            #expect(try await app.send(.patch, "/api/v1/events/\(id)/participants/nope", json: "{}").status == .notFound)
        }
    }

    @Test func wrongContentType() async throws {
        try await TestApp.run { app in
            let response = try await app.send(.post, "/api/v1/events", body: "name=x", contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .unsupportedMediaType)
            #expect(try response.apiError().code == "unsupported_media_type")
        }
    }

    @Test func oversizedBodies() async throws {
        try await TestApp.run { app in
            let name = String(repeating: "x", count: 70 * 1024)
            let response = try await app.send(.post, "/api/v1/events", json: #"{"name": "\#(name)"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(try response.apiError().code == "payload_too_large")
        }
    }

    @Test func validationErrorsNameEachField() async throws {
        try await TestApp.run { app in
            let id = try await app.createEvent()
            let response = try await app.send(.post, "/api/v1/events/\(id)/participants", json: """
                {"email": "ada@example.com", "firstName": "Ada", "lastName": "L",
                 "fields": {"age": "abc", "size": "XL", "bio": "\(String(repeating: "b", count: 300))"}}
                """)
            #expect(response.status == .unprocessableContent)
            let error = try response.apiError()
            #expect(error.code == "validation_failed")
            #expect(Set(error.details.compactMap { $0["field"] as? String }) == ["age", "size", "bio"])

            let missing = try await app.send(.post, "/api/v1/events/\(id)/participants", json: #"{"firstName": "Ada", "lastName": "L"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.apiError().details.first?["field"] as? String == "email")

            let wrongType = try await app.send(.post, "/api/v1/events/\(id)/participants", json: #"{"email": "a@b.co", "firstName": "A", "lastName": "L", "hasAttended": "soon"}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.apiError().details.first?["field"] as? String == "hasAttended")
        }
    }

    @Test func badEventSchemas() async throws {
        try await TestApp.run { app in
            let response = try await app.send(.post, "/api/v1/events", json: #"{"name": "X", "fields": [{"code": "pick", "label": "Pick", "type": "selectList"}]}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.apiError().details.first?["field"] as? String == "pick")

            let badType = try await app.send(.post, "/api/v1/events", json: #"{"name": "X", "fields": [{"code": "a", "label": "A", "type": "color"}]}"#)
            #expect(badType.status.code == 400 || badType.status.code == 422)
            #expect(try !badType.apiError().message.isEmpty)
        }
    }

    @Test func badCursorsAndLimits() async throws {
        try await TestApp.run { app in
            let id = try await app.createEvent()
            #expect(try await app.send(.get, "/api/v1/events/\(id)/participants?cursor=%%%").status == .badRequest)
            #expect(try await app.send(.get, "/api/v1/events/\(id)/participants?limit=0").status == .badRequest)
        }
    }

    /// A parameter of the wrong type is named (the list reads its own; another route's lone
    /// parameter is named from the request); what the list reads, it checks with the same code.
    @Test func theParticipantListAnswersEveryBadRequestAsTheContractSays() async throws {
        try await TestApp.run { app in
            let id = try await app.createEvent()
            let list = "/api/v1/events/\(id)/participants"
            for (query, field, value) in [("q=ada&limit=many", "limit", "many"), ("synced=perhaps", "synced", "perhaps")] {
                let response = try await app.send(.get, "\(list)?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                let error = try response.apiError()
                #expect(error.code == "invalid_parameter", "\(query)")
                #expect(error.details.first?["field"] as? String == field, "\(query)")
                #expect(error.message.contains("'\(value)'"), "\(query)")
            }
            // A query string the generated layer can't split (it threw an error of its own: a 500).
            let malformed = try await app.send(.get, "\(list)?limit=5&&q=a")
            #expect(malformed.status == .badRequest)
            #expect(try malformed.apiError().details.first?["field"] as? String == "query")
            let export = try await app.send(.get, "\(list)/export?format=pdf")
            #expect(export.status == .badRequest)
            #expect(try export.apiError().code == "invalid_parameter")
            #expect(try export.apiError().details.first?["field"] as? String == "format")
            #expect(try export.apiError().message.hasPrefix("format 'pdf'"))
            let tooMany = try await app.send(.get, "\(list)?limit=1001")
            #expect(tooMany.status == .badRequest)
            #expect(try tooMany.apiError().details.first?["field"] as? String == "limit")
            #expect(try await app.send(.get, "\(list)?sort=shoeSize").apiError().code == "invalid_parameter")
            #expect(try await app.send(.get, "/api/v1/events/nope/participants").status == .notFound)
            #expect(try await app.send(.get, list, authorized: false).status == .unauthorized)
            let ok = try await app.send(.get, "\(list)?q=\("A d".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&limit=3")
            #expect(ok.status == .ok)
            #expect(ok.headers[.contentType] == "application/json; charset=utf-8")
        }
    }
}

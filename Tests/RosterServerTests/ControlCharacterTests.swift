import Foundation
import HTTPTypes
import Testing

@Suite("No text Roster stores holds a control character, whatever the route")
struct ControlCharacterTests {
    @Test("an event's name and its fields' labels and options, a webhook's and a token's name, the connector's campaign and statuses: 422 naming the field")
    func refusedEverywhere() async throws {
        try await TestApp.run { app in
            func refused(_ method: HTTPRequest.Method, _ path: String, _ json: String, field: String) async throws {
                let answer = try await app.send(method, path, json: json)
                #expect(answer.status == .unprocessableContent, "\(path) \(json)")
                let details = try answer.apiError().details
                #expect(details.contains { ($0["field"] as? String) == field && (($0["message"] as? String)?.contains("control character U+000D") == true) },
                        "\(path): \(details)")
            }
            try await refused(.post, "/api/v1/events", #"{"name": "line\r\nSet-Cookie: a=b"}"#, field: "name")
            try await refused(.post, "/api/v1/events", #"{"name": "Summit", "fields": [{"code": "size", "label": "Size\r", "type": "text"}]}"#, field: "size")
            try await refused(.post, "/api/v1/events", #"{"name": "Summit", "fields": [{"code": "size", "label": "Size", "type": "selectList", "options": ["S", "M\r"]}]}"#, field: "size")
            let event = try #require(try await app.send(.post, "/api/v1/events", json: #"{"name": "Summit"}"#).json()["id"] as? String)
            try await refused(.post, "/api/v1/events/\(event)/webhooks", #"{"name": "Si\rte"}"#, field: "name")
            try await refused(.post, "/api/v1/tokens", #"{"name": "de\rsk", "role": "registrar", "events": ["\#(event)"]}"#, field: "name")
            try await refused(.put, "/api/v1/events/\(event)/connectors/salesforce", #"{"campaignName": "Summit\r"}"#, field: "campaignName")
            try await refused(.put, "/api/v1/events/\(event)/connectors/salesforce", #"{"registeredStatus": "Booked\r"}"#, field: "registeredStatus")
        }
    }
}

import Foundation
import HummingbirdTesting
import Testing

@Suite("The API answers in the request's language: the words change, never the codes")
struct LanguageAPITests {
    @Test("a refused update from a handler: French with Accept-Language fr, English without")
    func handlerErrors() async throws {
        try await TestApp.run { app in
            let eventId = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "L"}"#)
            let id = try #require(try created.json()["id"] as? String)
            let path = "/api/v1/events/\(eventId)/participants/\(id)"
            let french = try await app.send(.patch, path, json: #"{"email": "ada"}"#, language: "fr-FR,fr;q=0.9")
            #expect(french.status == .unprocessableContent)
            let error = try french.apiError()
            #expect(error.code == "validation_failed")
            #expect(error.message == "email : « ada » n'est pas une adresse e-mail")
            #expect(error.details.first?["field"] as? String == "email")
            #expect(error.details.first?["message"] as? String == "« ada » n'est pas une adresse e-mail")
            let english = try await app.send(.patch, path, json: #"{"email": "ada"}"#)
            #expect(try english.apiError().message == "email: 'ada' is not an email address")

            // Every mistake of a new person at once, each in French: the names left empty too.
            let several = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "nope", "firstName": " ", "lastName": ""}"#,
                                             language: "fr")
            #expect(try several.apiError().details.map { "\($0["field"] ?? "")=\($0["message"] ?? "")" }
                == ["email=« nope » n'est pas une adresse e-mail", "firstName=une valeur est obligatoire", "lastName=une valeur est obligatoire"])
            // A property left out altogether is named as the body's reader finds it, in French too.
            let missing = try await app.send(.post, "/api/v1/events/\(eventId)/participants", json: #"{"email": "bob@example.com", "firstName": "Bob"}"#,
                                             language: "fr")
            #expect(try missing.apiError().message == "lastName : obligatoire")
        }
    }
}

import Foundation
import Testing
@testable import RosterWeb

@Suite("Messages Roster writes in English reach a French screen in French, their values kept")
struct MessageTranslationTests {
    static let messages: MessageTranslation = {
        let directory = Bundle.module.resourceURL!.appendingPathComponent("Strings")
        return try! MessageTranslation.load(from: directory)
    }()

    @Test("a check finding, its nested hint and its list of names")
    func nested() {
        let english = #"No Salesforce campaign is named "roster demo sumit ": check the spelling and for extra spaces. Did you mean Roster Demo Summit or Spring Webinar? Or create it."#
        #expect(Self.messages.translate(english, to: .fr)
            == "Aucune campagne Salesforce ne s'appelle « roster demo sumit  » : vérifiez l'orthographe et les espaces en trop. Vouliez-vous dire Roster Demo Summit ou Spring Webinar ? Ou créez-la.")
        #expect(Self.messages.translate(english, to: .en) == english, "English stays as written")
    }

    @Test("a value that is itself a sentence is translated; a value that is a name is not")
    func translatedValues() {
        #expect(Self.messages.translate("Contact.Name cannot be written: it is a formula or roll-up summary field, computed by Salesforce.", to: .fr)
            == "Contact.Name ne peut pas être écrit : c'est un champ de formule ou de cumul, calculé par Salesforce.")
        #expect(Self.messages.translate(#"Lead.Text__c is a Checkbox field; "Text" does not fit it."#, to: .fr)
            == #"Lead.Text__c est un champ Case à cocher ; « Text » n'y entre pas."#)
    }

    @Test("several problems, each named by its field, each translated")
    func joined() {
        let english = "2 fields are invalid: email: 'ada' is not an email address; company: 300 characters is more than the 255 allowed"
        #expect(Self.messages.translate(english, to: .fr)
            == "2 champs sont invalides : email : « ada » n'est pas une adresse e-mail ; company : 300 caractères, c'est plus que les 255 permis")
    }

    @Test("what no template knows (Salesforce's own words) is left as it is")
    func unknown() {
        let salesforce = "FIELD_CUSTOM_VALIDATION_EXCEPTION: Region is required"
        #expect(Self.messages.translate(salesforce, to: .fr) == salesforce)
        #expect(Self.messages.translate("", to: .fr) == "")
    }

    @Test("a message longer than any of Roster's sentences is left as written, whatever it holds")
    func long() {
        let path = "/" + String(repeating: "a.", count: 4_000)
        let message = "the path \(path) is not canonical"
        #expect(Self.messages.translate(message, to: .fr) == message)
        let value = String(repeating: "x", count: MessageTranslation.longestMessage)
        #expect(Self.messages.translate("'\(value)' is not a number", to: .fr) == "'\(value)' is not a number")
        #expect(Self.messages.translate("'12x' is not a number", to: .fr) == "« 12x » n'est pas un nombre")
    }

    @Test("a translation that drops a value the English carries is refused at start")
    func droppedValue() throws {
        #expect(throws: BackOfficeError.self) { try MessageTranslation.template("{count} people", "des gens", file: "test") }
        _ = try MessageTranslation.template("{count} people", "{count} personnes", file: "test")
    }
}

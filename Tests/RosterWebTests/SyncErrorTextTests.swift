import Foundation
import Testing
@testable import RosterWeb

@Suite("A person's sync error, as a reader needs it: what happened and what to do, in their language")
struct SyncErrorTextTests {
    static let localization: Localization = {
        try! Localization.load(from: Bundle.module.resourceURL!.appendingPathComponent("Strings"))
    }()

    static func explain(_ stored: String, _ language: Language = .en, instance: String? = "https://acme.my.salesforce.com") -> SyncErrorText {
        SyncErrorText.explain(stored, language: language, localization: localization, instanceUrl: instance)
    }

    @Test("every code with a sentence has it in English and in French")
    func everyCodeInBothLanguages() {
        for code in SyncErrorText.explained {
            let english = Self.localization.text("sync_error_\(code)", .en)
            let french = Self.localization.text("sync_error_\(code)", .fr)
            #expect(english != "sync_error_\(code)" && french != "sync_error_\(code)" && english != french, "\(code)")
        }
    }

    @Test("a duplicate says what to do and links the matching records into the org, Salesforce's words beside")
    func duplicate() {
        let text = Self.explain("DUPLICATES_DETECTED: Use one of these records? (matching record 00Q5g000000000AEAQ, 003000000000001AAA)")
        #expect(text.sentence.hasPrefix("A duplicate rule of the org refused to create this person"))
        #expect(text.records.map(\.id) == ["00Q5g000000000AEAQ", "003000000000001AAA"])
        #expect(text.records.first?.href == "https://acme.my.salesforce.com/00Q5g000000000AEAQ")
        #expect(text.detail.hasPrefix("DUPLICATES_DETECTED: Use one of these records?"))
        #expect(Self.explain("DUPLICATES_DETECTED: x (matching record 00Q5g000000000AEAQ)", instance: nil).records.first?.href == nil)
    }

    @Test("a halted write says why in words; the request's internal references never reach the reader")
    func processingHalted() {
        let text = Self.explain("PROCESSING_HALTED: No value for p0.id found in p0", .fr)
        #expect(text.sentence.hasPrefix("Non écrit : Salesforce a arrêté cette écriture"))
        #expect(text.detail.isEmpty)
    }

    @Test("the permission Roster names after Salesforce's words is said in the reader's language")
    func permissionHint() {
        let stored = "INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id — the connected Salesforce user needs the Marketing User checkbox on their user record, Read on Campaigns, and Edit on Leads and on Contacts"
        let text = Self.explain(stored, .fr)
        #expect(text.sentence == "L'utilisateur Salesforce connecté n'a pas le droit d'écrire cet enregistrement. L'utilisateur Salesforce connecté a besoin de la case « Utilisateur marketing » de sa fiche utilisateur, la lecture des campagnes et la modification des pistes et des contacts.")
        #expect(text.detail == "INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id")
    }

    @Test("Roster's own message (no code) is translated as every message is; an unknown code is kept as Salesforce said it")
    func others() {
        #expect(Self.explain("an event needs a name", .fr).sentence == Self.localization.message("an event needs a name", .fr))
        let unknown = Self.explain("SOME_NEW_CODE: something new", .fr)
        #expect(unknown.sentence == "SOME_NEW_CODE: something new" && unknown.detail.isEmpty)
    }
}

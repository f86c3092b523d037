import Testing
import Crypto
import Foundation
@testable import RosterStore

@Suite("A cursor is signed base64url text that reads back as the cursor it was")
struct PageCursorTests {
    let signingKey = SymmetricKey(size: .bits256)

    @Test func cursorsRoundTripWithoutPlusSlashOrPadding() throws {
        let query = ParticipantQuery(search: "ada")
        // Keys of every length modulo 3, with bytes whose standard base64 holds `+` and `/`.
        let keys = ["?", "??", "???", ">>>?", "~~~~~", "ÿþ", "é?>~"]
        var translated = Set<Character>()
        for (index, key) in keys.enumerated() {
            let cursor = PageCursor(key: key, id: "01900000-0000-7000-8000-00000000000\(index)", total: index, population: index * 10,
                                    keys: index.isMultiple(of: 2) ? nil : [index % 3], fingerprint: query.fingerprint)
            let text = cursor.encoded(key: signingKey)
            #expect(!text.contains("+") && !text.contains("/") && !text.contains("="), "\(text)")
            translated.formUnion(text.filter { $0 == "-" || $0 == "_" })
            #expect(try PageCursor.decode(text, for: query, key: signingKey) == cursor)
        }
        #expect(translated == ["-", "_"], "the keys gave both characters base64url swaps")
    }

    @Test func anEditedForgedOrForeignCursorIsRefused() throws {
        let query = ParticipantQuery()
        let cursor = PageCursor(key: "k", id: "01900000-0000-7000-8000-000000000001", total: 300, population: nil, fingerprint: query.fingerprint)
        let text = cursor.encoded(key: signingKey)
        let parts = text.split(separator: ".").map(String.init)
        // The same cursor with a total of 1: its JSON re-encoded, the signature kept.
        var forged = cursor
        forged.total = 1
        let edited = String(forged.encoded(key: signingKey).split(separator: ".")[0]) + "." + parts[1]
        for bad in [edited, parts[0], parts[0] + ".", text + "x", forged.encoded(key: SymmetricKey(size: .bits256))] {
            #expect(throws: ParticipantQueryError.self, "\(bad)") { try PageCursor.decode(bad, for: query, key: signingKey) }
        }
        #expect(throws: ParticipantQueryError.self) { try PageCursor.decode(text, for: ParticipantQuery(search: "other"), key: signingKey) }
    }
}

import Testing
@testable import RosterStore

@Suite("A cursor is base64url text that reads back as the cursor it was")
struct PageCursorTests {
    @Test func cursorsRoundTripWithoutPlusSlashOrPadding() throws {
        let query = ParticipantQuery(search: "ada")
        // Keys of every length modulo 3, with bytes whose standard base64 holds `+` and `/`.
        let keys = ["?", "??", "???", ">>>?", "~~~~~", "ÿþ", "é?>~"]
        var translated = Set<Character>()
        for (index, key) in keys.enumerated() {
            let cursor = PageCursor(key: key, id: "01900000-0000-7000-8000-00000000000\(index)", total: index, population: index * 10,
                                    keys: index.isMultiple(of: 2) ? nil : [index % 3], fingerprint: query.fingerprint)
            let text = cursor.encoded()
            #expect(!text.contains("+") && !text.contains("/") && !text.contains("="), "\(text)")
            translated.formUnion(text.filter { $0 == "-" || $0 == "_" })
            #expect(try PageCursor.decode(text, for: query) == cursor)
        }
        #expect(translated == ["-", "_"], "the keys gave both characters base64url swaps")
    }
}
